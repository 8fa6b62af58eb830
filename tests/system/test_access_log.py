"""The production server's access log: one line per request, the same as gunicorn's own logger writes."""

from __future__ import annotations

import logging
import re
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from tests.system.server import gunicorn
from webapp.access_log import ACCESS_FORMAT, AccessLogger


def test_each_request_gets_one_access_line(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    with gunicorn(database_url, workers=1, extra_env={"ACADEMY_ACCESS_LOG": str(log)}) as base:
        with urllib.request.urlopen(f"{base}/glossary?from=test") as response:
            body = response.read()
        deadline = time.monotonic() + 5
        while "/glossary" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
    lines = [line for line in log.read_text().splitlines() if "/glossary" in line]
    assert len(lines) == 1
    assert re.fullmatch(rf'127\.0\.0\.1 "GET /glossary\?from=test HTTP/1\.1" 200 {len(body)} \d+ms', lines[0])


def _logged(logger_class: type[Logger], path: Path, fmt: str, **request: object) -> str:
    cfg = Config()
    cfg.set("accesslog", str(path))
    cfg.set("access_log_format", fmt)
    logging.getLogger("gunicorn.access").handlers.clear()  # as in a server process: this logger only
    logger = logger_class(cfg)
    if isinstance(logger, AccessLogger) and fmt == ACCESS_FORMAT:
        assert logger._plain_handler() is not None  # the fast path, not gunicorn's, writes this line
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "POST",
        "RAW_URI": request.get("uri", "/quiz/attempts/7?x=1"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(
        status=request.get("status", "302 FOUND"), sent=request.get("sent", 0), headers=[]
    )
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(seconds=1, microseconds=2500))
    for handler in list(logger.access_log.handlers):  # "gunicorn.access" is one logger per process
        handler.close()
        logger.access_log.removeHandler(handler)
    return path.read_text()


@pytest.mark.parametrize(
    "request_fields",
    [{}, {"uri": '/glossary?q="><script>', "status": "200 OK", "sent": 5120}, {"sent": None, "status": 404}],
)
def test_lines_are_the_same_as_gunicorns(tmp_path: Path, request_fields: dict[str, object]) -> None:
    ours = _logged(AccessLogger, tmp_path / "ours.log", ACCESS_FORMAT, **request_fields)
    theirs = _logged(Logger, tmp_path / "theirs.log", ACCESS_FORMAT, **request_fields)
    assert ours == theirs and ours.count("\n") == 1


def test_another_format_is_left_to_gunicorn(tmp_path: Path) -> None:
    fmt = "%(h)s %({http_user_agent}e)s %(m)s"
    ours = _logged(AccessLogger, tmp_path / "ours.log", fmt)
    assert ours == _logged(Logger, tmp_path / "theirs.log", fmt) == "203.0.113.9 Firefox POST\n"
