"""The production settings served by gunicorn, as docs/deploy.md sets them up (SQLite here).

Also ``saferplaces serve`` itself: gunicorn with the local settings, static files from WhiteNoise.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _get(url: str, https: bool = True) -> tuple[int, dict[str, str], bytes]:
    headers = {"Host": "localhost", **({"X-Forwarded-Proto": "https"} if https else {})}
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_pages_and_hashed_static_files(tmp_path: Path) -> None:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    env = {
        **base,
        "DJANGO_SETTINGS_MODULE": "saferplaces.web.config.settings.production",
        "SAFERPLACES_SECRET_KEY": "deploy-test-" + "q7Zx" * 12,
        "SAFERPLACES_ALLOWED_HOSTS": "localhost",
        "SAFERPLACES_HOME": str(tmp_path / "store"),
        "SAFERPLACES_STATIC_ROOT": str(tmp_path / "static"),
    }
    (tmp_path / "store").mkdir()  # production settings do not make the store folder
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_seed_plans"]):
        done = subprocess.run(
            [sys.executable, "-m", "saferplaces.web.manage", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "saferplaces.web.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(root + "/partnerships/lichfield/plans/2022-2025/")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        html = body.decode()
        assert status == 200
        assert "Community Safety Delivery plan 2022-2025</h1>" in html
        assert "Strict-Transport-Security" in headers
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        css = re.search(r'href="(/static/saferplaces/saferplaces\.[0-9a-f]{12}\.css)"', html).group(1)
        status, headers, body = _get(root + css)
        assert status == 200 and len(body) > 10_000
        assert "immutable" in headers["Cache-Control"]
        # Plain HTTP (no X-Forwarded-Proto from the proxy) is sent to HTTPS.
        status, headers, _ = _get(root + "/", https=False)
        assert (status, headers["Location"]) == (301, "https://localhost/")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_saferplaces_serve_runs_gunicorn_and_serves_static_files(tmp_path: Path) -> None:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "saferplaces"), "serve", "--port", str(port), "--workers", "2", "--seed-plans"],
        env={**base, "SAFERPLACES_HOME": str(tmp_path / "store")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, headers, body = _get(root + "/partnerships/lichfield/plans/2022-2025/", https=False)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        assert "Content-Security-Policy" in headers
        css = re.search(r'href="(/static/saferplaces/saferplaces\.css)"', body.decode()).group(1)
        status, headers, body = _get(root + css, https=False)
        assert status == 200 and len(body) > 10_000
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Serving with gunicorn" in output
