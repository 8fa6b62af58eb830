"""Operations: backup and restore, headers over HTTPS, failures that must leave nothing half-written."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from course.models import LessonCompletion, User
from tests.conftest import csrf_token, login


def sqlite_only(app: Any) -> None:
    if app.extensions["db"][0].dialect.name != "sqlite":
        pytest.skip("this test is about the embedded SQLite database")


def test_backup_and_restore_round_trip(
    app: Any, runner: Any, session: Any, make_user: Any, tmp_path: Path
) -> None:
    sqlite_only(app)
    make_user(email="kept@example.org")
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output and target.exists()
    make_user(email="added-after@example.org")
    again = runner.invoke(args=["db", "backup", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output
    result = runner.invoke(args=["db", "restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    session.rollback()
    emails = set(session.scalars(select(User.email)))
    assert emails == {"kept@example.org"}


def test_restore_refuses_a_file_that_is_not_a_backup(
    app: Any, runner: Any, make_user: Any, tmp_path: Path
) -> None:
    sqlite_only(app)
    make_user(email="kept@example.org")
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = runner.invoke(args=["db", "restore", "--yes", str(junk)])
    assert result.exit_code != 0 and "not a SQLite database" in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = runner.invoke(args=["db", "restore", "--yes", str(other)])
    assert result.exit_code != 0 and "not a Convention Academy backup" in result.output


def test_backup_on_postgresql_explains_pg_dump(app: Any, runner: Any, tmp_path: Path) -> None:
    if app.extensions["db"][0].dialect.name != "postgresql":
        pytest.skip("PostgreSQL run only")
    result = runner.invoke(args=["db", "backup", str(tmp_path / "x.db")])
    assert result.exit_code != 0 and "pg_dump --format=custom" in result.output


def test_https_mode_sets_hsts_and_secure_cookies(config: dict[str, Any], make_user: Any) -> None:
    from webapp import create_app

    app = create_app({**config, "HTTPS": True})
    client = app.test_client()
    user = make_user()
    response = login(client, user.email)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["db"][0].dispose()


def _locked(database: str, release: threading.Event, ready: threading.Event) -> None:
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    ready.set()
    release.wait(10)
    conn.execute("ROLLBACK")
    conn.close()


def test_a_locked_database_gives_a_try_again_page_and_writes_nothing(
    config: dict[str, Any], make_user: Any, session: Any, app: Any
) -> None:
    sqlite_only(app)
    from webapp import create_app

    impatient = create_app({**config, "SQLITE_BUSY_TIMEOUT_MS": 200})
    client = impatient.test_client()
    user = make_user()
    login(client, user.email)
    module = impatient.extensions["catalogue"].module("electronic-evidence")
    path = f"/modules/{module.id}/lessons/{module.lessons[0].id}"
    token = csrf_token(client, path)
    release, ready = threading.Event(), threading.Event()
    database = impatient.extensions["db"][0].url.database
    holder = threading.Thread(target=_locked, args=(database, release, ready))
    holder.start()
    ready.wait(5)
    try:
        response = client.post(f"{path}/complete", data={"csrf_token": token})
    finally:
        release.set()
        holder.join()
    assert response.status_code == 503
    assert "Please try again" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(LessonCompletion)) == 0
    # once the lock is gone, the same submit works
    assert client.post(f"{path}/complete", data={"csrf_token": token}).status_code == 302
    impatient.extensions["db"][0].dispose()


def test_a_database_that_is_gone_gives_a_try_again_page(config: dict[str, Any], tmp_path: Path) -> None:
    from webapp import create_app

    gone = create_app({**config, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing"})
    client = gone.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": "a@example.org", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Please try again" in body and "Traceback" not in body and "psycopg" not in body
    gone.extensions["db"][0].dispose()


def test_login_throttle_can_live_in_redis_shared_by_app_machines(
    config: dict[str, Any], make_user: Any
) -> None:
    import os
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/15"  # database 15: this test's own, emptied before and after
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (CI has one)")
    from course.platform import throttle
    from webapp import create_app

    user = make_user(email=f"redis-{uuid.uuid4().hex[:8]}@example.org")
    machines = [create_app({**config, "THROTTLE_STORAGE": url}) for _ in range(2)]
    try:
        for index in range(5):
            login(machines[index % 2].test_client(), user.email, "wrong-password-guess")
        assert login(machines[1].test_client(), user.email).status_code == 429
        assert redis.Redis.from_url(url).get(f"academy:throttle:login:account:{user.email}") == b"5"
    finally:
        redis.Redis.from_url(url).flushdb()
        throttle.use_redis(None)
        for machine in machines:
            machine.extensions["db"][0].dispose()
