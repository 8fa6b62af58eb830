"""gunicorn.conf.py, the production server's settings, read as gunicorn reads them."""

from __future__ import annotations

import csv
import gc
import http.client
import io
import os
import re
import socket
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import PASSWORD
from tests.system.server import gunicorn_process
from webapp.access_log import ACCESS_FORMAT

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for name in ("ACADEMY_WORKERS", "ACADEMY_THREADS", "ACADEMY_MAX_REQUESTS", "ACADEMY_WORKER_CLASS"):
        monkeypatch.delenv(name, raising=False)
    values: dict[str, Any] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), values)  # noqa: S102 - our own config file
    yield values
    gc.unfreeze()


def test_access_lines_use_the_format_the_fast_logger_knows(settings: dict[str, Any]) -> None:
    assert settings["access_log_format"] == ACCESS_FORMAT
    assert settings["logger_class"] == "webapp.access_log.AccessLogger"


def test_one_worker_per_core_and_not_recycled_every_few_seconds(settings: dict[str, Any]) -> None:
    # gunicorn's sync worker, behind a buffering proxy: one request at a time, taken only when free
    assert settings["worker_class"] == "sync" and settings["threads"] == 1
    assert settings["workers"] == os.cpu_count()  # more threads or processes than cores: each request slower
    assert settings["max_requests"] >= 50_000  # at 1,500 requests/s, 5,000 restarted a worker every 13 s
    assert 0 < settings["max_requests_jitter"] < settings["max_requests"]


def test_what_the_master_loaded_is_frozen_before_each_fork(settings: dict[str, Any]) -> None:
    from webapp import create_app

    create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    gc.unfreeze()
    settings["pre_fork"](None, None)
    assert (
        gc.get_freeze_count() > 10_000
    )  # the rendered course, among the rest, is out of the collector's walk


def test_the_worker_heartbeat_is_kept_in_memory(settings: dict[str, Any]) -> None:
    """Workers touch their heartbeat file several times per request: on disk, a quarter of their CPU."""
    if Path("/dev/shm").is_dir():
        assert settings["worker_tmp_dir"] == "/dev/shm"


def test_running_workers_keep_their_heartbeat_in_memory(database_url: str) -> None:
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm on this system: gunicorn's default folder is used")
    with gunicorn_process(database_url, workers=2) as (_base, master):
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
        deadline = time.monotonic() + 15  # the server answers as soon as its first worker is up
        while len(workers := children.read_text().split()) < 2:
            assert time.monotonic() < deadline, workers
            time.sleep(0.05)
        for pid in workers:
            files = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()]
            assert any(name.startswith("/dev/shm/") for name in files), files


@pytest.mark.parametrize("worker_class", ["sync", "webapp.server.FreeThreadWorker"])
def test_a_worker_held_by_a_slow_client_leaves_newcomers_to_the_other(
    database_url: str, worker_class: str
) -> None:
    """One client sends half a request and stops: its worker's only thread waits for the rest.

    Every visitor after it must be served by the other worker at once, with the default
    worker and with the threaded one for serving without a proxy. gthread as gunicorn
    ships it would accept some of them into the held worker, where they would wait
    behind the slow client (webapp/server.py).
    """
    settings = {"ACADEMY_WORKER_CLASS": worker_class}
    with gunicorn_process(database_url, workers=2, extra_env=settings) as (base, _master):
        host, port = base.removeprefix("http://").split(":")
        slow = socket.create_connection((host, int(port)))
        try:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: academy\r\n")  # no blank line: the request is not over
            time.sleep(0.5)  # accepted, and its worker's thread is reading the headers
            for _ in range(8):  # each a new connection, as from a new visitor
                visitor = http.client.HTTPConnection(host, int(port), timeout=5)
                visitor.request("GET", "/", headers={"Connection": "close"})
                assert visitor.getresponse().status == 200
                visitor.close()
            slow.sendall(b"Connection: close\r\n\r\n")  # the slow client finishes: served too
            assert slow.recv(64).startswith(b"HTTP/1.1 200")
        finally:
            slow.close()


CERTIFICATES_EXPORTED = 150  # 30-50 ms each: an export of 4.5-7.5 s, well past the 1 s timeout below


def test_a_long_export_is_not_cut_off_by_the_worker_timeout(
    app: Any, config: dict[str, Any], make_user: Any
) -> None:
    """A sync worker tells gunicorn's master it is alive only between requests.

    With a 1 s timeout, the master would restart the worker in the middle of this
    export of several seconds and the download would break off, unless the export says it is still
    working as it goes (webapp/heartbeat.py).
    """
    from course.credentials import certificates
    from course.models import Cohort, CohortInstructor, Enrolment, Role, User
    from tests.course.credentials.test_certificates import PATH, complete_path
    from webapp.extensions import db

    trainer = make_user(Role.INSTRUCTOR)
    learner_ids = [make_user().id for _ in range(CERTIFICATES_EXPORTED)]
    catalogue = app.extensions["catalogue"]
    with app.app_context():
        session = db.session
        cohort = Cohort(title="Large class", path_id=PATH)
        session.add(cohort)
        session.flush()
        session.add(CohortInstructor(cohort_id=cohort.id, user_id=trainer.id))
        for learner_id in learner_ids:
            learner = session.get(User, learner_id)
            session.add(Enrolment(cohort_id=cohort.id, user_id=learner.id))
            complete_path(session, catalogue, learner)
            certificates.issue(session, catalogue, learner, catalogue.path(PATH))
        session.commit()
        cohort_id = cohort.id
    settings = {"ACADEMY_TIMEOUT": "1", "ACADEMY_CERTIFICATE_KEY_DIR": config["CERTIFICATE_KEY_DIR"]}
    with gunicorn_process(config["DATABASE_URL"], workers=1, extra_env=settings) as (base, _master):
        http = requests.Session()
        token = TOKEN.search(http.get(f"{base}/login", timeout=30).text).group(1)
        http.post(
            f"{base}/login",
            data={"email": trainer.email, "password": PASSWORD, "csrf_token": token},
            timeout=30,
        ).raise_for_status()
        started = time.monotonic()
        response = http.get(f"{base}/certificates/cohorts/{cohort_id}/export.zip", timeout=120)
        took = time.monotonic() - started
        assert took > 2, f"the export took {took:.1f} s: too short to test the 1 s timeout"
        archive = zipfile.ZipFile(io.BytesIO(response.content))  # a download cut off is no ZIP
        manifest = archive.read("manifest.csv").decode("utf-8-sig")
        assert len(list(csv.DictReader(io.StringIO(manifest)))) == CERTIFICATES_EXPORTED
