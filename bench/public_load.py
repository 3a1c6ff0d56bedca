"""Benchmark: the residents' pages under load, served by gunicorn with the production settings.

Loads the 22 bundled police.uk months and the four seed partnerships into a temporary store,
starts gunicorn (the ``server`` extra: ``SAFERPLACES_EXTRAS=server ./run setup``), opens every
public page once (the first view of a local picture computes it), then runs CLIENTS threads for
SECONDS, each asking for the public pages in turn over one keep-alive connection.

Baseline, measured in the same run the same way: one static file (the public style sheet),
which WhiteNoise serves without Django's views. The table gives requests per second, median,
95th percentile and worst latency, and errors, for the pages and the baseline, and the ratio of
the pages' 95th percentile to the baseline's. Target (issue #12): p95 under 100 ms and no
errors with 64 clients for 60 s on a quiet 2-core machine. Rewrites the "Residents' site"
section of docs/benchmarks.md.

Run: ``.venv/bin/python bench/public_load.py`` (about 3 minutes). Options: ``--clients N``
(default 64), ``--seconds N`` (default 60), ``--workers N`` (gunicorn workers, default 2),
``--no-write`` (print only).
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- public-load:start -->", "<!-- public-load:end -->"
PAGES = [
    "/public/",
    "/public/find/?q=Coton",
    "/public/stafford/",
    "/public/stafford/local-picture/",
    "/cy/public/stafford/local-picture/",
    "/public/lichfield/local-picture/",
    "/public/east-staffordshire/local-picture.csv",
    "/public/staffordshire/local-picture/",
    "/public/lichfield/plan/",
    "/public/lichfield/progress/",
    "/cy/public/lichfield/progress/easy-read/",
    "/public/east-staffordshire/targets/",
    "/public/lichfield/help/",
    "/api/partnerships",
    "/api/partnerships/stafford/wards",
]
HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "saferplaces.web.config.settings.production",
        "SAFERPLACES_SECRET_KEY": "bench-only-" + "k3Vq" * 12,
        "SAFERPLACES_ALLOWED_HOSTS": "localhost",
        "SAFERPLACES_HOME": str(home),
        "SAFERPLACES_STATIC_ROOT": str(home / "static"),
    }
    home.mkdir(parents=True, exist_ok=True)
    street = ROOT / "src" / "saferplaces" / "data" / "bundled" / "police_uk" / "street"
    subprocess.run(
        [str(BIN / "saferplaces"), "ingest", str(street)], env=env, check=True, capture_output=True
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_seed_plans"]):
        subprocess.run(
            [sys.executable, "-m", "saferplaces.web.manage", *command],
            env=env,
            check=True,
            capture_output=True,
        )
    return env


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
    began = time.perf_counter()
    conn.request("GET", path, headers=HEADERS)
    response = conn.getresponse()
    response.read()
    return response.status, time.perf_counter() - began


def _load(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, object]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, wrong = [], []
        i = offset
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            try:
                status, took = _get(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                wrong.append(f"{path}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(took)
            if status != 200:
                wrong.append(f"{path}: {status}")
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(wrong)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "per_second": len(ordered) / elapsed,
        "median_ms": statistics.median(ordered) * 1000 if ordered else float("nan"),
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000 if ordered else float("nan"),
        "max_ms": ordered[-1] * 1000 if ordered else float("nan"),
        "errors": errors,
    }


def _write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if START in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not (BIN / "gunicorn").exists():
        print("gunicorn is not installed. Run SAFERPLACES_EXTRAS=server ./run setup first.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="saferplaces-public-load-") as tmp:
        env = _prepare(Path(tmp) / "store")
        port = _free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "saferplaces.web.config.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(args.workers), "--worker-class", "gthread", "--threads", "8"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    _get(warm, "/public/")
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        print("gunicorn did not start.", file=sys.stderr)
                        return 1
                    time.sleep(0.3)
            # every worker computes each page once (its own cache); ask often enough that all have
            for _ in range(args.workers * 6):
                for path in PAGES:
                    status, _took = _get(warm, path)
                    if status != 200:
                        print(f"{path} answered {status}.", file=sys.stderr)
                        return 1
            warm.close()
            baseline = _load(port, ["/static/public/public.css"], args.clients, min(10.0, args.seconds))
            pages = _load(port, PAGES, args.clients, args.seconds)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker still finishing a request: the figures stand
                server.kill()
                server.wait()
    load = os.getloadavg()[0]
    rows = [("Public pages and API", pages), ("Baseline: one static file", baseline)]
    lines = [
        START,
        "## Residents' site under load",
        "",
        f"`bench/public_load.py`, {date.today().isoformat()}, {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end; gunicorn with {args.workers} "
        f"gthread workers, {args.clients} clients for {args.seconds:g} s (the baseline for "
        f"{min(10.0, args.seconds):g} s). Target: p95 under 100 ms and no errors.",
        "",
        "| what | requests | per second | median ms | p95 ms | worst ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['requests']:,} | {r['per_second']:,.0f} | {r['median_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['max_ms']:.0f} | {len(r['errors'])} |"
        )
    ratio = pages["p95_ms"] / baseline["p95_ms"] if baseline["p95_ms"] else float("nan")
    lines += ["", f"Pages' p95 is {ratio:.1f} times the static file's.", END]
    section = "\n".join(lines)
    print(section)
    for e in pages["errors"][:10]:
        print("error:", e)
    if not args.no_write:
        _write(section)
    return 0 if not pages["errors"] and pages["p95_ms"] < 100 else 2


if __name__ == "__main__":
    raise SystemExit(main())
