"""Benchmark: what `saferplaces assess` spends importing, by package, from a cold start (issue #9).

Runs ``saferplaces assess`` for one district (Stafford, calendar year 2025) under
``python -X importtime``, once writing JSON only and once all five formats, against the bundled
data loaded into a temporary store first. Python reports each module's own import time; the
table adds them up by top-level package (``scipy``, ``numpy``, ``openpyxl`` ...), so it shows
which libraries a cold command pays for (the PDF is typeset by Typst on a thread of the same
process, ADR 0032).
With ``--src DIR`` the code under DIR (a ``src`` folder, for example an older commit exported
with ``git archive``) is measured instead, so a change can be compared with what came before.
Import times of a loaded machine are inflated; the median of ``--repeat`` runs is given.

Run: ``.venv/bin/python bench/assess_imports.py`` (``--repeat N``, ``--src DIR``, ``--label TEXT``,
``--write`` to put the table in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- assess-imports:start -->", "<!-- assess-imports:end -->"
RUN = "import sys; from saferplaces.cli.main import main; sys.argv[0] = 'saferplaces'; sys.exit(main())"
SHOWN = 12


def by_package(stderr: str) -> dict[str, float]:
    """Seconds of import time per top-level package, from ``-X importtime`` output."""
    out: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _cumulative, name = line[len("import time:") :].split("|")
        if not own.strip().isdigit():
            continue  # the header line
        out[name.strip().split(".")[0]] += int(own) / 1e6
    return out


def measure(args: list[str], src: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"saferplaces {' '.join(args)} failed: {done.stderr.strip()[-500:]}")
    return by_package(done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", default=None)
    parser.add_argument("--label", default="this tree")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        env = dict(os.environ, SAFERPLACES_HOME=tmp)
        saferplaces = Path(sys.executable).parent / "saferplaces"
        subprocess.run([str(saferplaces), "demo", "--store", str(store), "--no-assessment"], env=env,
                       capture_output=True, check=True)  # fmt: skip
        load = os.getloadavg()
        for name, formats in (("JSON only", "json"), ("all five formats", "html,pdf,docx,xlsx,json")):
            runs = [
                measure(
                    [
                        "assess",
                        "--area",
                        "Stafford",
                        "--period",
                        "2025",
                        "--store",
                        str(store),
                        "--out",
                        f"{tmp}/{formats[:4]}{i}",
                        "--format",
                        formats,
                    ],
                    args.src,
                )  # fmt: skip
                for i in range(args.repeat)
            ]
            packages = {p for r in runs for p in r}
            rows[name] = {p: statistics.median(r.get(p, 0.0) for r in runs) for p in packages}
    lines = [
        f"Measured {date.today().isoformat()} for {args.label}; load averages (1 / 5 / 15 minutes) "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start; median of {args.repeat} runs.",
        "",
        "| package | JSON only (s) | all five formats (s) |",
        "| --- | ---: | ---: |",
    ]
    every = rows["all five formats"]
    top = sorted(every, key=every.__getitem__, reverse=True)[:SHOWN]
    for p in top:
        lines.append(f"| {p} | {rows['JSON only'].get(p, 0.0):.2f} | {every[p]:.2f} |")
    rest_json = sum(v for p, v in rows["JSON only"].items() if p not in top)
    rest_all = sum(v for p, v in every.items() if p not in top)
    lines.append(f"| everything else | {rest_json:.2f} | {rest_all:.2f} |")
    lines.append(f"| **total** | **{sum(rows['JSON only'].values()):.2f}** | **{sum(every.values()):.2f}** |")
    text = "\n".join(lines)
    print(text)
    if args.write:
        doc = DOC.read_text(encoding="utf-8")
        section = f"{START}\n{text}\n{END}"
        doc = (
            doc[: doc.index(START)] + section + doc[doc.index(END) + len(END) :]
            if START in doc
            else doc + "\n" + section + "\n"
        )
        DOC.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
