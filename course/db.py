"""The engine and session factory, with the settings SQLite needs under several workers.

SQLite (the embedded default) gets WAL, a busy timeout and foreign keys on every
connection. A transaction that will write starts with BEGIN IMMEDIATE, so that two
workers never both read and then fail to upgrade to a write ("database is locked"
with no wait); read-only transactions start deferred and never block each other.
The web layer marks a request as a writer with `write_intent()`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

_WRITE_INTENT: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)
SQLITE_BUSY_TIMEOUT_MS = 5000


def make_engine(url: str, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS, **kwargs: Any) -> Engine:
    """Create the engine for a database URL (sqlite:///… or postgresql+psycopg://…).

    On SQLite a writer waits up to `busy_timeout_ms` for another writer to finish.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _WRITE_INTENT.get() else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def set_write_intent(value: bool) -> contextvars.Token[bool]:
    """Mark the transactions that follow as writers (BEGIN IMMEDIATE on SQLite)."""
    return _WRITE_INTENT.set(value)


@contextmanager
def write_intent() -> Iterator[None]:
    token = _WRITE_INTENT.set(True)
    try:
        yield
    finally:
        _WRITE_INTENT.reset(token)


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT a row unless it would break a unique constraint; True when this call inserted it.

    Uses the database's own "ON CONFLICT DO NOTHING", so two requests racing to
    insert the same fact (a lesson completion, an enrolment, a throttle row) never
    fail. Whether a row went in is read back with RETURNING: the row count is not
    reported for this statement by the PostgreSQL driver through the ORM session.
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = next(iter(table.primary_key.columns))
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(statement).first() is not None
