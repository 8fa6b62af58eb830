"""The SQLite engine settings: WAL, and writers queueing on the lock file beside the database."""

from __future__ import annotations

import fcntl
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from course.models import Throttle
from course.platform import migrate
from course.platform.db import make_engine, make_sessionmaker, write_intent, write_phase


@pytest.fixture
def sqlite_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return str(tmp_path / "app.db")


def lock_is_free(path: str) -> bool:
    """Whether another process could take the writers' lock now (a new open file description)."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_connections_use_wal_and_a_busy_timeout(sqlite_file: str) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=1234)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_writer_holds_the_lock_until_its_connection_is_returned(sqlite_file: str) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    maker = make_sessionmaker(engine)
    with maker() as reader:
        reader.scalar(select(Throttle.key))  # readers never take it
        assert lock_is_free(sqlite_file)
    with write_intent(), maker() as writer:
        writer.execute(
            text("INSERT INTO throttle (key, hits, window_start) VALUES ('k', 1, CURRENT_TIMESTAMP)")
        )
        assert not lock_is_free(sqlite_file)
        writer.commit()
    assert lock_is_free(sqlite_file)  # back in the pool: free for the next writer
    engine.dispose()


def test_writers_in_threads_queue_and_all_succeed(sqlite_file: str) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    maker = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(20):
                with write_intent(), maker() as session:
                    key = f"t{n}-{i}"
                    session.execute(
                        text(
                            "INSERT INTO throttle (key, hits, window_start) VALUES (:k, 1, CURRENT_TIMESTAMP)"
                        ),
                        {"k": key},
                    )
                    session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM throttle").scalar() == 160
    engine.dispose()


def test_a_writer_stuck_behind_another_gets_database_is_locked_not_a_hang(sqlite_file: str) -> None:
    url = f"sqlite:///{sqlite_file}"
    holder_engine, waiter_engine = make_engine(url), make_engine(url, busy_timeout_ms=200)
    with write_intent(), make_sessionmaker(holder_engine)() as holder:
        holder.execute(
            text("INSERT INTO throttle (key, hits, window_start) VALUES ('a', 1, CURRENT_TIMESTAMP)")
        )
        waiter = make_sessionmaker(waiter_engine)()
        with pytest.raises(OperationalError, match="database is locked"), write_intent():
            waiter.execute(
                text("INSERT INTO throttle (key, hits, window_start) VALUES ('b', 1, CURRENT_TIMESTAMP)")
            )
        waiter.close()
        holder.commit()
    with make_sessionmaker(waiter_engine)() as check:
        assert check.scalars(select(Throttle.key)).all() == ["a"]
    holder_engine.dispose()
    waiter_engine.dispose()


def _insert(session: Session, key: str) -> None:
    session.execute(
        text("INSERT INTO throttle (key, hits, window_start) VALUES (:k, 1, CURRENT_TIMESTAMP)"), {"k": key}
    )


def test_write_phase_writes_after_reading_though_another_writer_committed_meanwhile(sqlite_file: str) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=200)
    maker = make_sessionmaker(engine)
    with maker() as reader, maker() as other:
        reader.scalars(select(Throttle.key)).all()  # a reader transaction with a snapshot
        with write_intent():
            _insert(other, "other")
            other.commit()  # the snapshot is now stale
        with pytest.raises(OperationalError):
            _insert(reader, "stale")  # a plain upgrade of the stale reader is refused
        reader.rollback()

        reader.scalars(select(Throttle.key)).all()
        with write_intent():
            _insert(other, "other-2")
            other.commit()
        with write_phase(reader):
            _insert(reader, "mine")
        reader.commit()
        assert sorted(reader.scalars(select(Throttle.key))) == ["mine", "other", "other-2"]
    engine.dispose()


def test_write_phase_refuses_a_session_with_unwritten_changes(sqlite_file: str) -> None:
    engine = make_engine(f"sqlite:///{sqlite_file}")
    with make_sessionmaker(engine)() as session:
        session.scalars(select(Throttle.key)).all()
        session.add(Throttle(key="pending", hits=1, window_start=datetime.now(UTC)))
        with pytest.raises(RuntimeError, match="nothing pending"), write_phase(session):
            pass
    engine.dispose()
