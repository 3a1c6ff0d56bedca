"""Benchmark: page times while the worker builds an assessment (issue #10).

A build never runs inside a web request: the worker (``saferplaces worker``, here beside
``saferplaces serve`` as ``serve --with-worker`` runs it) does it in a process of its own.
This measures what that leaves for readers: the production server (gunicorn, workers
fitted to the machine) on the demo store, ``--clients`` clients signed in as the demo
board member asking for read-only pages of every kind in turn (the pages and clients of
``bench/web_load.py``), in 10-second slices that take turns:

* baseline: no task running;
* during a build: the worker building the Lichfield 2025 strategic assessment (all five
  report formats), a new build started whenever the last one finishes.

Both are measured in the same run, turn about (each build's slices, then as many without
a task), so a change in the machine's load falls on both alike. Prints requests a second,
median, 95th and 99th percentile latency and errors for each, and the ratio of the p95s
(during a build / baseline), and rewrites the
"Pages during a build" section of docs/benchmarks.md. Target: a ratio near 1 and no
errors: page answers do not wait for the build.

Run, after ``SAFERPLACES_HOME=/tmp/demo-home .venv/bin/saferplaces demo --no-assessment``
(SQLite only: the script reads the task table to know when a build runs)::

    SAFERPLACES_HOME=/tmp/demo-home .venv/bin/python bench/web_build_load.py

Options: ``--seconds 60`` (of each), ``--clients 8``, ``--port 8140``, ``--no-write``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web_load import (  # noqa: E402 - the sibling benchmark's server, sign-in, pages and clients
    MAKE_ACCOUNTS,
    ROOT,
    Result,
    password_of,
    prepare,
    run_clients,
    start_server,
)

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- web-build-load:start -->", "<!-- web-build-load:end -->"
SLICE = 10.0

#: Loads the seed plans (Lichfield is the partnership whose build runs), once.
SEED = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'saferplaces.web.config.settings.local'); "
    "import django; django.setup(); from saferplaces.web.seeds import load_seed_plans; load_seed_plans()"
)
#: Queues one build of the Lichfield 2025 assessment, as the demo set-up does; prints the job's id.
QUEUE_BUILD = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'saferplaces.web.config.settings.local'); "
    "import django; django.setup(); "
    "from saferplaces.web.assessments.build import ASSESSMENT_BUILD, STEPS; "
    "from saferplaces.web.partnerships.models import Partnership; "
    "from saferplaces.web.work.jobs import start_job; "
    "params = {'area_code': 'Lichfield', 'area_name': 'Lichfield', 'period': '2025', 'compare': 'previous', "
    "'extract': '', 'weights': {}, 'links': []}; "
    "job = start_job(ASSESSMENT_BUILD, Partnership.objects.get(slug='lichfield'), None, "
    "title='Benchmark: build the Lichfield 2025 assessment', params=params, steps_total=STEPS); "
    "print(job.pk)"
)


def python(code: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"The set-up step failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


def job_status(home: Path, job_id: int) -> str:
    with sqlite3.connect(home / "web.sqlite3", timeout=30) as con:
        row = con.execute("SELECT status FROM work_job WHERE id = ?", (job_id,)).fetchone()
    return row[0] if row else "missing"


def start_worker(home: Path) -> subprocess.Popen:
    log = Path(tempfile.gettempdir()) / "saferplaces-web-build-load-worker.log"
    with open(log, "w") as handle:
        worker = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "saferplaces"), "worker"],
            env={**os.environ, "SAFERPLACES_HOME": str(home)},
            stdout=subprocess.DEVNULL,
            stderr=handle,
        )
    print(f"Worker messages: {log}")
    return worker


def write_doc(idle: Result, busy: Result, builds: int, seconds: float, load: float) -> None:
    import django

    ratio = busy.pct(95) / idle.pct(95)
    errors = sum(idle.errors.values()) + sum(busy.errors.values())
    lines = [
        START,
        "## Pages during a build (issue #10)",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}; load average "
        f"{load:.1f} when the run began. "
        "Command: `SAFERPLACES_HOME=... .venv/bin/python bench/web_build_load.py`.",
        "",
        "`saferplaces serve` (gunicorn) and one `saferplaces worker` on the demo store; "
        f"{idle.clients} clients",
        "signed in as the board member asked for the read-only pages of every kind in turn (the pages of",
        "`bench/web_load.py`). Baseline: no task running. During a build: the worker building the",
        f"Lichfield 2025 assessment in all five formats ({builds} build{'s' * (builds != 1)} in the run, "
        "the worker at its default lower processor priority, nice 10). The two took turns",
        f"({SLICE:.0f}-second slices during each build, then as many with no task running), {seconds:.0f} s",
        "of each, so the machine's load fell on both alike.",
        "The machine was shared with other engineers' work (tests, builds) while this ran, so the times",
        "are longer than on a quiet machine and move between runs; read the ratio.",
        "",
        "| pages measured | requests/s | median (ms) | p95 (ms) | p99 (ms) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in (("baseline, no task running", idle), ("during an assessment build", busy)):
        lines.append(
            f"| {name} | {r.rps:.1f} | {r.pct(50):.0f} | {r.pct(95):.0f} | {r.pct(99):.0f} | "
            f"{sum(r.errors.values())} |"
        )
    lines += [
        "",
        f"Ratio of p95s, during a build / baseline: {ratio:.2f}; {errors} errors. A build runs in the",
        "worker's own process, so no page waits for it; what it can take from pages is processor time,",
        "which the worker's lower priority leaves to the server first.",
        END,
    ]
    text = DOC.read_text(encoding="utf-8")
    block = "\n".join(lines)
    if START in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="Seconds measured of each, in 10 s slices."
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8140)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    home = Path(os.environ.get("SAFERPLACES_HOME", "")).expanduser()
    if not os.environ.get("SAFERPLACES_HOME") or not (home / "manifest.json").exists():
        raise SystemExit("Set SAFERPLACES_HOME to a store made by saferplaces demo, then run this again.")
    load = os.getloadavg()[0]
    env = {**os.environ, "SAFERPLACES_HOME": str(home)}
    python(MAKE_ACCOUNTS, env)
    python(SEED, env)
    password = password_of(home)
    server = start_server(home, args.port, dev=False)
    worker = start_worker(home)
    idle, busy = Result("baseline", args.clients, 0.0), Result("during a build", args.clients, 0.0)
    builds, job = 0, None
    try:
        target = prepare("gunicorn (serve)", args.port, password)
        while idle.seconds < args.seconds or busy.seconds < args.seconds:
            # One build, measured slice by slice while it runs ...
            job, builds, slices = int(python(QUEUE_BUILD, env)), builds + 1, 0
            deadline = time.monotonic() + 120
            while job_status(home, job) != "running":
                if time.monotonic() > deadline or job_status(home, job) in {"succeeded", "failed"}:
                    raise SystemExit(f"The build (task {job}) did not run: read the worker's messages.")
                time.sleep(0.2)
            while busy.seconds < args.seconds and job_status(home, job) == "running":
                asyncio.run(run_clients(args.port, target.pages, target.cookie, args.clients, SLICE, busy))
                busy.seconds += SLICE
                slices += 1
            while job_status(home, job) == "running":  # enough measured: let it finish unmeasured
                time.sleep(0.5)
            # ... then as many slices with no task running, so the two share the machine's moods.
            for _ in range(max(slices, 1)):
                if idle.seconds >= args.seconds:
                    break
                asyncio.run(run_clients(args.port, target.pages, target.cookie, args.clients, SLICE, idle))
                idle.seconds += SLICE
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)
    for r in (idle, busy):
        print(
            f"{r.server:<16} {r.clients:>3} clients: {r.rps:6.1f} req/s  median {r.pct(50):6.0f} ms  "
            f"p95 {r.pct(95):6.0f} ms  p99 {r.pct(99):6.0f} ms  errors {dict(r.errors)}"
        )
    print(f"p95 during a build / baseline: {busy.pct(95) / idle.pct(95):.2f} ({builds} builds)")
    if not args.no_write:
        write_doc(idle, busy, builds, args.seconds, load)


if __name__ == "__main__":
    sys.exit(main())
