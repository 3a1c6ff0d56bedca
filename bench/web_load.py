"""Benchmark: the web application under load, read-only pages of every kind (issue #13).

Starts ``saferplaces serve`` (gunicorn, workers fitted to the machine) on the demo
store, signs in as the demo board member (who may read every page), finds the
pages by following links from the home page, keeps up to two addresses of each
kind (home, partnership, dashboard, plan, delivery, risks, targets, target,
project, history, exports ...), then runs 32 and 64 concurrent clients for
``--seconds`` each, every client asking for the pages in turn, one request at a
time. Baseline, measured in the same run: Django's development server
(``saferplaces serve --dev``) at 32 clients; the two servers take turns in
10-second slices, so a change in the machine's load falls on both alike.

Prints requests a second, median, 95th and 99th percentile latency and errors
(any answer but 200, or no answer within 30 s), and rewrites the "Web load"
section of docs/benchmarks.md. Target: p95 under 150 ms at 32 clients and no
errors, on a quiet 2-core machine.

Run, after ``SAFERPLACES_HOME=/tmp/webhard-home .venv/bin/saferplaces demo``::

    SAFERPLACES_HOME=/tmp/webhard-home .venv/bin/python bench/web_load.py

Options: ``--seconds 60``, ``--clients 32 64``, ``--port 8130`` (and the next
port for the baseline), ``--no-baseline``, ``--no-write``, ``--workers N`` (gunicorn's
worker processes; default what ``serve`` fits to the machine). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- web-load:start -->", "<!-- web-load:end -->"
HOST = "127.0.0.1"
USER = "demo-board"
TIMEOUT = 30.0
#: Links never followed: they change something, leave the app, or are not pages.
SKIP = re.compile(r"sign-out|/admin/|/static/|/refresh/|/new/|/edit/|/update/|\.xlsx$|\.pdf$|\.docx$")


#: Makes the demo accounts once, before either server starts.
MAKE_ACCOUNTS = (
    "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'saferplaces.web.config.settings.local'); "
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); "
    "from django.conf import settings; from saferplaces.web.demo_accounts import ensure_demo_accounts; "
    "ensure_demo_accounts(settings.ENV.store_dir)"
)


@dataclass
class Result:
    """What one run of clients saw."""

    server: str
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, p: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies if values is None else values)
        if not values:
            return float("nan")
        return 1000 * values[min(len(values) - 1, int(p / 100 * len(values)))]


def start_server(home: Path, port: int, dev: bool, workers: int | None = None) -> subprocess.Popen:
    """Start ``saferplaces serve`` (``--dev`` for the baseline); its messages go to a log file.

    Neither server makes the demo accounts: making them again sets the password again, which
    signs out every session the other server's clients hold (``main`` makes them first).
    """
    command = [str(ROOT / ".venv" / "bin" / "saferplaces"), "serve", "--port", str(port)]
    if workers and not dev:
        command += ["--workers", str(workers)]
    env = {**os.environ, "SAFERPLACES_HOME": str(home)}
    log = Path(tempfile.gettempdir()) / f"saferplaces-web-load-{port}.log"
    with open(log, "w") as handle:  # the child keeps its own copy of the file
        server = subprocess.Popen(
            command + (["--dev"] if dev else []), env=env, stdout=subprocess.DEVNULL, stderr=handle
        )
    print(f"Server messages: {log}")
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5).read()
            return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The server did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.5)


def sign_in(base: str, password: str) -> tuple[urllib.request.OpenerDirector, str]:
    """An opener holding a signed-in session, and the Cookie header that carries it."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": USER, "password": password, "next": "/"}
    ).encode()
    opener.open(urllib.request.Request(base + "/sign-in/", data=data, headers={"Referer": base + "/"}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"Could not sign in as {USER}. Run saferplaces serve --demo-accounts once.")
    return opener, "; ".join(f"{k}={v}" for k, v in cookies.items())


def kind_of(path: str) -> str:
    """The page's kind: its address with the partnership, plan and numbers left out."""
    path = re.sub(r"/partnerships/[^/]+", "/partnerships/*", path)
    path = re.sub(r"/plans/[^/.]+", "/plans/*", path)
    return re.sub(r"/\d+", "/N", path)


def discover(
    base: str, opener: urllib.request.OpenerDirector, per_kind: int = 2, limit: int = 400
) -> list[str]:
    """Up to ``per_kind`` addresses of each kind of page reachable by links from the home page."""
    seen, queue, found = {"/"}, deque(["/"]), Counter()
    pages: list[str] = []
    while queue and len(seen) < limit:
        path = queue.popleft()
        with opener.open(base + path) as response:
            body = response.read()
            kind = kind_of(path)
            if found[kind] < per_kind:
                found[kind] += 1
                pages.append(path)
            if "html" not in response.headers.get("Content-Type", ""):
                continue
        for href in re.findall(r'href="(/[^"#?]*)"', body.decode()):
            if href not in seen and not SKIP.search(href) and found[kind_of(href)] < per_kind:
                seen.add(href)
                queue.append(href)
    return pages


async def fetch(port: int, path: str, cookie: str) -> int:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()  # the rest, until the server closes
        return status
    finally:
        writer.close()


async def run_clients(port: int, pages: list[str], cookie: str, clients: int, seconds: float, res: Result):
    stop = time.monotonic() + seconds

    async def client(index: int) -> None:
        i = index
        while time.monotonic() < stop:
            path = pages[i % len(pages)]
            i += 1
            t0 = time.perf_counter()
            try:
                status = await asyncio.wait_for(fetch(port, path, cookie), TIMEOUT)
            except (TimeoutError, OSError, ValueError, IndexError) as error:
                res.errors[type(error).__name__] += 1
                continue
            took = time.perf_counter() - t0
            if status != 200:
                res.errors[f"HTTP {status}"] += 1
                continue
            res.latencies.append(took)
            res.by_kind.setdefault(kind_of(path), []).append(took)

    await asyncio.gather(*(client(i) for i in range(clients)))


@dataclass
class Target:
    """A running server, signed in, with its pages found."""

    name: str
    port: int
    cookie: str
    pages: list[str]


def prepare(name: str, port: int, password: str) -> Target:
    base = f"http://{HOST}:{port}"
    opener, cookie = sign_in(base, password)
    pages = discover(base, opener)
    print(f"{name}: {len(pages)} pages of {len({kind_of(p) for p in pages})} kinds")
    for path in pages:  # one request to each page first, so no page is measured cold
        opener.open(base + path).read()
    return Target(name, port, cookie, pages)


def measure(targets: list[Target], clients: int, seconds: float, slice_seconds: float = 10.0) -> list[Result]:
    """Each target under ``clients`` clients for ``seconds`` in all, taking turns in short slices, so
    changes in the machine's load fall on every target alike."""
    results = [Result(t.name, clients, 0.0) for t in targets]
    done = 0.0
    while done < seconds - 1e-9:
        step = min(slice_seconds, seconds - done)
        for target, res in zip(targets, results, strict=True):
            asyncio.run(run_clients(target.port, target.pages, target.cookie, clients, step, res))
            res.seconds += step
        done += step
    for res in results:
        print(
            f"{res.server:<24} {clients:>3} clients: {res.rps:6.1f} req/s  median {res.pct(50):6.0f} ms  "
            f"p95 {res.pct(95):6.0f} ms  p99 {res.pct(99):6.0f} ms  errors {dict(res.errors)}"
        )
        slowest = sorted(res.by_kind.items(), key=lambda kv: -res.pct(95, kv[1]))[:8]
        print("    slowest kinds (p95): " + ", ".join(f"{k} {res.pct(95, t):.0f} ms" for k, t in slowest))
    return results


def solo(target: Target, seconds: float) -> Result:
    res = Result(target.name, 1, seconds)
    asyncio.run(run_clients(target.port, target.pages, target.cookie, 1, seconds, res))
    print(f"{target.name:<24}   1 client:  median {res.pct(50):.0f} ms")
    for kind, times in sorted(res.by_kind.items(), key=lambda kv: -statistics.median(kv[1])):
        print(f"    {1000 * statistics.median(times):6.1f} ms  {kind}")
    return res


def password_of(home: Path) -> str:
    text = (home / "demo-accounts.txt").read_text(encoding="utf-8")
    return re.search(r"password: (\S+)", text).group(1)


def write_doc(results: list[Result], baseline: Result | None, seconds: float, load: float) -> None:
    import django

    main = [r for r in results if r.clients > 1]
    lines = [
        START,
        "## Web load (issue #13)",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Django {django.get_version()}; load average "
        f"{load:.1f} when the run began. Command: `SAFERPLACES_HOME=... .venv/bin/python bench/web_load.py`.",
        "",
        "The demo store (`saferplaces demo`, the four seed plans, the demo accounts) served by",
        "`saferplaces serve`; each client signed in as the board member and asked for the",
        "read-only pages of every kind in turn, one request at a time, for "
        f"{seconds:.0f} s. Baseline: Django's development server (`serve --dev`) in the same run,",
        "the two servers taking turns in 10-second slices so that the machine's load falls on both alike.",
        "Timings move with machine load; the ratio compares two servers measured in the same run.",
        *(
            [
                f"The machine was busy with other work (load average {load:.1f} on {os.cpu_count()} cores), "
                "so the times are longer than on a quiet machine; read the ratio.",
            ]
            if load > 1
            else []
        ),
        "",
        "| server | clients | requests/s | median (ms) | p95 (ms) | p99 (ms) | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in ([baseline] if baseline else []) + main:
        lines.append(
            f"| {r.server} | {r.clients} | {r.rps:.1f} | {r.pct(50):.0f} | {r.pct(95):.0f} | "
            f"{r.pct(99):.0f} | {sum(r.errors.values())} |"
        )
    solo = next(r for r in results if r.clients == 1)
    at32 = next((r for r in main if r.clients == 32), main[0])
    lines += ["", f"One client alone: median {solo.pct(50):.0f} ms."]
    if baseline:
        lines.append(
            f"At {baseline.clients} clients the production server answers "
            f"{at32.rps / baseline.rps:.1f} times "
            f"as many requests a second as the development server, with a p95 "
            f"{baseline.pct(95) / at32.pct(95):.1f} times shorter."
        )
    met = at32.pct(95) < 150 and not at32.errors
    lines += [
        "",
        f"Target: p95 under 150 ms at 32 clients and no errors on a quiet 2-core machine. Result: p95 "
        f"{at32.pct(95):.0f} ms, {sum(at32.errors.values())} errors ({'met' if met else 'not met'} here).",
        "",
        "Slowest kinds of page at 32 clients (p95, ms): "
        + ", ".join(
            f"`{kind}` {at32.pct(95, times):.0f}"
            for kind, times in sorted(at32.by_kind.items(), key=lambda kv: -at32.pct(95, kv[1]))[:5]
        )
        + ".",
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
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--port", type=int, default=8130)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: what serve fits)")
    args = parser.parse_args()
    home = Path(os.environ.get("SAFERPLACES_HOME", "")).expanduser()
    if not os.environ.get("SAFERPLACES_HOME") or not (home / "manifest.json").exists():
        raise SystemExit("Set SAFERPLACES_HOME to a store made by saferplaces demo, then run this again.")
    load = os.getloadavg()[0]
    env = {**os.environ, "SAFERPLACES_HOME": str(home)}
    made = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", MAKE_ACCOUNTS], env=env, capture_output=True, text=True
    )
    if made.returncode != 0:
        raise SystemExit(f"Could not make the demo accounts: {made.stderr[-2000:]}")
    password = password_of(home)
    servers = [start_server(home, args.port, dev=False, workers=args.workers)]
    try:
        if not args.no_baseline:
            servers.append(start_server(home, args.port + 1, dev=True))
        production = prepare("gunicorn (serve)", args.port, password)
        baseline_target = None
        if not args.no_baseline:
            baseline_target = prepare("runserver (serve --dev)", args.port + 1, password)
        results: list[Result] = []
        baseline = None
        for clients in args.clients:
            targets = [production] + ([baseline_target] if baseline_target and clients == 32 else [])
            measured = measure(targets, clients, args.seconds)
            results.append(measured[0])
            if len(measured) > 1:
                baseline = measured[1]
        results.append(solo(production, min(args.seconds, 10.0)))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    if not args.no_write:
        write_doc(results, baseline, args.seconds, load)


if __name__ == "__main__":
    sys.exit(main())
