"""Heavy libraries load only when the work needs them, so a cold command starts fast (#9).

Each check runs a fresh interpreter and lists the modules loaded after the import: a module
level ``import altair`` (say) added back to the JSON path would make it fail.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("altair", "vl_convert", "weasyprint", "docx", "openpyxl", "statsmodels", "pandas")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "code",
    [
        "import saferplaces.cli.main",
        "import saferplaces.assessment.build",
        "from saferplaces.reports.documents import write_assessment, write_json",
        # charts drawn by the printer's worker are laid into the HTML and Word file without
        # Altair in the command's process (ADR 0022)
        "from saferplaces.reports.html_report import render_html, sections",
        "from saferplaces.reports.drawn_charts import Chart, chart_pngs",
    ],
)
def test_no_heavy_library_at_import(code):
    assert not loaded_after(code) & set(HEAVY)


def test_the_statistics_an_assessment_uses_need_no_scipy_stats_nor_statsmodels():
    loaded = loaded_after(
        "import sys\n"
        "from saferplaces.stats import adjust_p, change, rate, dsr\n"
        "from saferplaces.stats.monthly_change import monthly_change\n"
        "adjust_p([0.01, 0.2], 'fdr'); change(12, 5); rate(10, 1000); dsr([12, 30], [900, 800], [1, 1])\n"
        "monthly_change([5, 7, 9, 6], [4, 3, 6, 5])\n"
        "print('scipy_stats' if 'scipy.stats' in sys.modules else '')"
    )
    assert not loaded & {"statsmodels", "pandas", "scipy_stats"}


@pytest.mark.parametrize("formats", ["json,html,pdf,docx,xlsx", "html,docx"])
def test_a_single_district_assess_never_loads_altair(bundled_store, tmp_path, formats):
    """All five formats for one district: the charts are plain SVG (ADR 0028), so Altair is not
    needed. The PDF and the Word file's pictures are made by Typst in the command's process
    (ADR 0032): WeasyPrint, which laid out the PDFs before, is gone."""
    args = ["assess", "--area", "Tamworth", "--period", "2025", "--store", str(bundled_store.root)]
    args += ["--format", formats]
    loaded = loaded_after(
        "import contextlib, io, sys\nfrom saferplaces.cli.main import main\n"
        f"sys.argv = ['saferplaces', *{args!r}, '--out', {str(tmp_path)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
    )
    assert "altair" not in loaded and "weasyprint" not in loaded
    assert "docx" in loaded  # it wrote the Word file here
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"assessment.{f}" for f in formats.split(","))
