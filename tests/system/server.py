"""Start the app under gunicorn on a free loopback port, as in production, for tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(database_url: str, workers: int = 4, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve the app; yield its base URL; stop it afterwards, whatever happens."""
    with gunicorn_process(database_url, workers, extra_env) as (base, _process):
        yield base


@contextmanager
def gunicorn_process(
    database_url: str, workers: int = 4, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like `gunicorn`, also giving the master process (benchmarks read its workers' memory).

    Mail goes to a fresh temporary outbox unless `extra_env` names one (ACADEMY_MAIL_OUTBOX_DIR),
    never to the developer's instance/outbox.
    """
    port = free_port()
    outbox = tempfile.mkdtemp(prefix="academy-outbox-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-server-secret",
        "ACADEMY_ARGON2_TIME_COST": "1",
        "ACADEMY_ARGON2_MEMORY_COST": "8192",
        "ACADEMY_WORKERS": str(workers),
        "ACADEMY_BIND": f"127.0.0.1:{port}",
        "ACADEMY_ACCESS_LOG": "/dev/null",
        "ACADEMY_LOG_LEVEL": "warning",
        "ACADEMY_MAIL_OUTBOX_DIR": outbox,
        **(extra_env or {}),
    }
    # The server's log goes to a file: a pipe nobody reads would fill up and block the workers.
    log = tempfile.NamedTemporaryFile(prefix="academy-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "webapp:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {Path(log.name).read_text()[-2000:]}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 30 s") from None
                time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(outbox, ignore_errors=True)
        if os.environ.get("ACADEMY_KEEP_SERVER_LOG") is None:
            Path(log.name).unlink(missing_ok=True)
