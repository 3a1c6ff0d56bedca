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
        "from saferplaces.reports.documents import write_assessment, write_json, PdfPrinter",
    ],
)
def test_no_heavy_library_at_import(code):
    assert not loaded_after(code) & set(HEAVY)


def test_adjusting_p_values_loads_statsmodels_then():
    assert "statsmodels" in loaded_after("from saferplaces.stats import adjust_p; adjust_p([0.01, 0.2])")
