"""``saferplaces serve --with-worker`` (issue #10): the server and one worker, stopped together.

A real process: the command is started in a session of its own and sent SIGINT across
that session, as Ctrl+C in a terminal sends it to the foreground process group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.test_deploy import BIN, _free_port


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc (Linux)")
def test_serve_with_worker_runs_both_and_ctrl_c_stops_both(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "saferplaces"), "serve", "--port", str(port), "--workers", "1", "--with-worker"],
        env={**env, "SAFERPLACES_HOME": str(tmp_path / "store")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    worker = None
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                    assert response.status == 200
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        workers = [pid for pid in _children(server.pid) if " worker" in _cmdline(pid)]
        assert len(workers) == 1, [_cmdline(pid) for pid in _children(server.pid)]
        worker = workers[0]
        # The worker gives way to the server: it lowers its processor priority (nice 10) as it starts.
        wanted = os.getpriority(os.PRIO_PROCESS, server.pid) + 10
        deadline = time.monotonic() + 60
        while os.getpriority(os.PRIO_PROCESS, worker) != wanted and time.monotonic() < deadline:
            time.sleep(0.2)
        assert os.getpriority(os.PRIO_PROCESS, worker) == wanted
        assert _alive(worker) and "saferplaces.cli.main" in _cmdline(worker)
        os.killpg(server.pid, signal.SIGINT)  # Ctrl+C
        output = server.communicate(timeout=60)[0]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert not _alive(worker), "the worker outlived the server"
    assert f"A background worker is running beside the server (process {worker})." in output
    assert "press Ctrl+C to stop both." in output
