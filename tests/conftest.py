"""Fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL), an app per test.

The schema is built once per run by the Alembic migrations, the same way
`flask db upgrade` builds it; every test starts with empty tables.
On PostgreSQL the run uses its own schema, dropped at the end.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from course import migrate
from course.db import make_engine
from course.models import Base, Role, User

# Property tests draw the same examples on every run, so CI is repeatable;
# HYPOTHESIS_PROFILE=explore draws new ones when hunting for bugs.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
PASSWORD = "violet-harbour-lantern-93"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        _migrate(url)
        yield url
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg else "?"
    url = f"{pg}{sep}options=-csearch_path%3D{schema}"
    _migrate(url)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # A session some test left open would make TRUNCATE wait for ever: fail loudly instead.
            conn.execute(text("SET LOCAL lock_timeout = '20s'"))
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(CONTENT),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8192,
        "CERTIFICATE_KEY_DIR": str(tmp_path),  # never the developer's own signing key
    }


@pytest.fixture
def app(config: dict[str, Any]) -> Iterator[Any]:
    from webapp import create_app

    application = create_app(config)
    engine = application.extensions["db"][0]
    empty_tables(engine)
    yield application
    engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Any) -> Iterator[Any]:
    """A database session outside any request, for arranging and checking facts."""
    maker = app.extensions["db"][1]
    with maker() as s:
        yield s


@pytest.fixture
def make_user(app: Any) -> Callable[..., User]:
    from course import accounts

    counter = iter(range(1, 10_000))

    def make(role: Role = Role.LEARNER, email: str | None = None, **fields: Any) -> User:
        maker = app.extensions["db"][1]
        with maker() as s:
            user = accounts.register(
                s,
                email=email or f"user{next(counter)}@example.org",
                full_name=fields.get("full_name", "Test Official"),
                organisation=fields.get("organisation", "Ministry of Justice"),
                country=fields.get("country", "Kenya"),
                password=fields.get("password", PASSWORD),
                role=role,
            )
            s.commit()
            s.refresh(user)
            s.expunge(user)
            return user

    return make


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: Any, path: str) -> str:
    """The CSRF token from a page's form, as a browser would send it back."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def logged_in(client: Any, make_user: Callable[..., User]) -> Callable[..., User]:
    def log_in(role: Role = Role.LEARNER, **fields: Any) -> User:
        user = make_user(role, **fields)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return log_in
