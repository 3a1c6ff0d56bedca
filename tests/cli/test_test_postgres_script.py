"""scripts/test-postgres.sh prints the database URL and nothing else on standard output.

`./run test` reads its standard output into DATABASE_URL, so any other line there (pg_ctlcluster
prints "Removed stale pid file." on standard output after an unclean stop) breaks every web test.
The script is idempotent, so running it again against CI's server is safe.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(
    shutil.which("pg_lsclusters") is None or os.geteuid() != 0,
    reason="needs Debian's postgresql package and root (CI installs both)",
)
def test_standard_output_is_the_url_alone() -> None:
    done = subprocess.run(
        [str(ROOT / "scripts" / "test-postgres.sh")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "postgres://saferplaces:saferplaces-test-only@127.0.0.1:5432/saferplaces_test\n"
