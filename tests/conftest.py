"""Fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL), an app per test.

The schema is built once per run by the Alembic migrations, the same way
`flask db upgrade` builds it; every test starts with empty tables.
On PostgreSQL the run uses its own schema, dropped at the end.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, text

from course.models import Base, Role, User
from course.platform import migrate
from course.platform.db import make_engine

# Property tests draw the same examples on every run, so CI is repeatable;
# HYPOTHESIS_PROFILE=explore draws new ones when hunting for bugs.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
PASSWORD = "violet-harbour-lantern-93"


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """The URL of an empty database of its own: a SQLite file in `folder`, or a throwaway
    schema on TEST_DATABASE_URL (PostgreSQL), dropped afterwards."""
    pg = os.environ.get("TEST_DATABASE_URL")
    if not pg:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(pg)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg else "?"
    try:
        yield f"{pg}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with empty_database(tmp_path_factory.mktemp("db")) as url:
        _migrate(url)
        yield url


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
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),  # each test reads its own mail
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


class SmtpInbox:
    """What a real SMTP server (aiosmtpd, on a loopback port) received: envelopes and messages."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.port = 0
        self.hold: threading.Event | None = None  # set: a slow server, holding each message until it is set

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.hold is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait, 10)
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.original_content, policy=policy.default)  # type: ignore[misc]
            for e in self.envelopes
        ]


SMTP_LOGIN = ("academy", "mail-server-secret")


@pytest.fixture
def smtp_server() -> Iterator[SmtpInbox]:
    """A real SMTP server on 127.0.0.1 that accepts the login SMTP_LOGIN (or none), without TLS."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    from tests.system.server import free_port

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == tuple(
            part.encode() for part in SMTP_LOGIN
        )
        return AuthResult(success=good, handled=False)  # False: the server answers 535

    inbox = SmtpInbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,
        enable_SMTPUTF8=True,
    )
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def finished(response: Any) -> Any:
    """Read the response whole and close it, as a browser and a WSGI server do.

    The test client leaves a response open until it is closed, and the app delivers
    mail only once the response is closed (response.call_on_close).
    """
    response.get_data()
    response.close()
    return response


def outbox(app: Any) -> list[EmailMessage]:
    """The mails the app has delivered to its outbox folder, oldest first."""
    return outbox_folder(Path(app.config["MAIL_OUTBOX_DIR"]))


def outbox_folder(folder: Path) -> list[EmailMessage]:
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


def wait_for_link(folder: Path, to: str, path_start: str, timeout: float = 15) -> str:
    """The link path in the newest mail to `to` that has one, once a server has written it to `folder`."""
    deadline = time.monotonic() + timeout
    while True:
        sent = [m for m in outbox_folder(folder) if m["To"] == to and path_start in mail_text(m)]
        if sent:
            return mail_link(sent[-1], path_start)
        assert time.monotonic() < deadline, f"no mail to {to} with a {path_start} link in {folder}"
        time.sleep(0.1)


def mail_text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def mail_link(message: EmailMessage, path_start: str) -> str:
    """The path of the first link in the mail whose path starts with `path_start` (e.g. "/email/confirm/")."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)", mail_text(message))
    assert match, f"no {path_start} link in: {mail_text(message)}"
    return match.group(1)


def confirm_by_mail(client: Any, app: Any, email: str) -> Any:
    """Follow the newest confirmation link mailed to `email`: open it, press the button."""
    sent = [m for m in outbox(app) if m["To"] == email and "/email/confirm/" in mail_text(m)]
    assert sent, f"no confirmation mail to {email}"
    path = mail_link(sent[-1], "/email/confirm/")
    return finished(client.post(path, data={"csrf_token": csrf_token(client, path)}))


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
