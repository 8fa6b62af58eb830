"""The engine and session factory, with the settings SQLite needs under several workers.

SQLite (the embedded default) gets WAL, a busy timeout and foreign keys on every
connection. A transaction that will write starts with BEGIN IMMEDIATE, so that two
workers never both read and then fail to upgrade to a write ("database is locked"
with no wait); read-only transactions start deferred and never block each other.
The web layer marks a request as a writer with `write_intent()`.

Writers queue on a lock file beside the database (`<file>-writer.lock`) before
BEGIN IMMEDIATE. Without it, a writer that finds the database busy is put to sleep
by SQLite's busy handler in growing steps (1, 2, 5 … 100 ms) whatever the other
writer's transaction takes: under eight concurrent quiz submissions the slowest
waited most of a second. Waiting on the lock file instead wakes the writer as soon
as the other one is done (checked every half millisecond). The lock is taken per
connection, so threads of one worker queue too, and released when the connection
goes back to the pool. Where the lock file cannot be used (no `fcntl`, as on
Windows), the busy timeout alone decides, as before.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

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


class WriterLock:
    """An exclusive lock on a file, one per database connection (its own open file description)."""

    POLL_SECONDS = 0.0005

    def __init__(self, path: str, timeout_s: float) -> None:
        self.path = path
        self.timeout_s = timeout_s
        self._fd: int | None = None
        self.held = False

    def acquire(self) -> bool:
        """Wait for the lock; False if it did not come in time (the busy timeout then decides)."""
        if self.held:
            return True
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(self.POLL_SECONDS)
            else:
                self.held = True
                return True

    def release(self) -> None:
        if self.held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self.held = False

    def close(self) -> None:
        self.release()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    database = engine.url.database
    on_disk = database not in (None, "", ":memory:") and not str(database).startswith("file:")
    lock_path = f"{database}-writer.lock" if on_disk and fcntl is not None else None

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        if lock_path:
            record.info["writer_lock"] = WriterLock(lock_path, busy_timeout_ms / 1000)
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
        conn.info["reader"] = not _WRITE_INTENT.get()
        if conn.info["reader"]:
            conn.exec_driver_sql("BEGIN")
            return
        lock = conn.connection.info.get("writer_lock")
        if lock is not None:
            lock.acquire()
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        lock = record.info.get("writer_lock") if record is not None else None
        if lock is not None:
            lock.release()

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "invalidate")
    def on_close(_dbapi_connection: Any, record: Any, *_exception: Any) -> None:
        lock = record.info.pop("writer_lock", None) if record is not None else None
        if lock is not None:
            lock.close()


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


@contextmanager
def write_phase(session: Session) -> Iterator[None]:
    """Write what follows in a writer transaction, after reading and computing in a reader one.

    For work whose reads need no lock and whose write is safe on its own (a
    conditional UPDATE, an insert that ignores duplicates): on SQLite the reader
    transaction is ended and the statements inside begin a writer (BEGIN
    IMMEDIATE), so other writers wait only for the write, not for the reading and
    computing before it. Nothing unwritten may be pending in the session. On
    PostgreSQL, which locks rows, it changes nothing.
    """
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_phase needs a session with nothing pending")
        if session.connection().info.get("reader"):
            session.commit()  # ends the read snapshot; loaded objects stay (expire_on_commit=False)
    with write_intent():
        yield


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
