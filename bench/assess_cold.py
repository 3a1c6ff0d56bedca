"""Benchmark: `saferplaces assess` as a user runs it, a whole process from a cold start (issue #9).

One district (Stafford, calendar year 2025), all five formats, into a fresh folder each run,
against the bundled data loaded into a temporary store first. Baseline, measured in the same
run: `saferplaces --version`, the cost of starting Python and the command at all. Each is run
``--repeat`` times; the table gives the fastest and median wall time, the median CPU time of
the process and any child process, and the ratio of the medians to the baseline's. Target: under
3 s on a quiet 2-core machine. Rewrites the "Assess, cold start" section of docs/benchmarks.md.

With ``--src DIR`` (a ``src`` folder, for example an older commit exported with ``git archive``)
the same command is also timed with that code on ``PYTHONPATH``, the two taking turns run by
run so that the machine's load falls on both alike; DIR is byte-compiled first, as setup
compiles this tree's ``src``. The text says whether the libraries hold bytecode: without it
(``uv sync`` without ``--compile-bytecode`` and ``PYTHONDONTWRITEBYTECODE`` set) every run
compiles them again (ADR 0022).

Run: ``.venv/bin/python bench/assess_cold.py`` (``--repeat N``, ``--src DIR``, ``--no-write``).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- assess-cold:start -->", "<!-- assess-cold:end -->"
SAFERPLACES = Path(sys.executable).parent / "saferplaces"
TARGET = 3.0


def run(args: list[str], src: str | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, the process and its children) of one run."""
    env = {**os.environ, "PYTHONPATH": src} if src else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(SAFERPLACES), *args], capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"saferplaces {' '.join(args)} failed: {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def bytecode() -> str:
    """Whether the installed libraries hold compiled bytecode, in words."""
    site = Path(sysconfig.get_paths()["purelib"])
    compiled = sum(1 for _ in site.glob("*/__pycache__/*.pyc"))
    packages = sum(1 for p in site.glob("*/__init__.py"))
    dont = "set" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not set"
    return (
        f"the libraries hold bytecode ({compiled:,} .pyc files at the top of {packages} packages)"
        if compiled
        else "the libraries hold no bytecode, so every run compiles what it imports"
    ) + f"; PYTHONDONTWRITEBYTECODE {dont}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", default=None, help="Also time the code of this src folder.")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.src:
        subprocess.run([sys.executable, "-m", "compileall", "-q", args.src], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        run(["demo", "--store", str(store), "--no-assessment"])
        loads = [load()]
        baseline = [run(["--version"]) for _ in range(args.repeat)]
        assess, other = [], []
        for i in range(args.repeat):
            command = ["assess", "--area", "Stafford", "--period", "2025", "--store", str(store)]
            assess.append(run([*command, "--out", f"{tmp}/o{i}"]))
            if args.src:
                other.append(run([*command, "--out", f"{tmp}/s{i}"], args.src))
        loads.append(load())
    rows = []
    for name, runs in (
        ("`saferplaces --version` (baseline)", baseline),
        ("`saferplaces assess`, 5 formats", assess),
        (f"the same with `{args.src}`", other),
    ):
        if not runs:
            continue
        walls = [w for w, _ in runs]
        rows.append((name, min(walls), statistics.median(walls), statistics.median(c for _, c in runs)))
    base = rows[0][2]
    lines = [
        START,
        "## Assess, cold start (issue #9)",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Command: `.venv/bin/python bench/assess_cold.py`. "
        f"Each run is a new process, as a user runs it: Stafford, calendar year 2025, HTML, PDF, "
        f"DOCX, XLSX and JSON. Load averages (1 / 5 / 15 minutes): {loads[0]} at the start, "
        f"{loads[1]} at the end; the target is for a quiet machine. When it ran, {bytecode()}.",
        "",
        "| run | fastest (s) | median (s) | CPU, median (s) | median against baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, fastest, median, cpu in rows:
        lines.append(f"| {name} | {fastest:.2f} | {median:.2f} | {cpu:.2f} | {median / base:.1f} |")
    met = "met" if rows[1][2] < TARGET else "not met"
    lines += ["", f"Target: under {TARGET:.0f} s. Result: median {rows[1][2]:.2f} s, {met}.", END]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        doc = DOC.read_text(encoding="utf-8")
        if START in doc:
            doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END) :]
        else:
            doc = doc.rstrip("\n") + "\n\n" + text + "\n"
        DOC.write_text(doc, encoding="utf-8")


if __name__ == "__main__":
    main()
