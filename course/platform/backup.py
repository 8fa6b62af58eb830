"""Backup and restore of the embedded SQLite database, while the app keeps running.

SQLite's online backup API copies a consistent snapshot page by page, so
workers can go on reading and writing during a backup. PostgreSQL has its own
tools (pg_dump, pg_restore), which `postgres_guidance` explains.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine


class BackupError(Exception):
    pass


def sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    return Path(engine.url.database)


def backup(engine: Engine, target: Path) -> int:
    """Copy the live SQLite database to `target`; return its size in bytes."""
    source = sqlite_path(engine)
    if source is None:
        raise BackupError(postgres_guidance(engine))
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    return target.stat().st_size


def restore(engine: Engine, source: Path) -> None:
    """Replace the live SQLite database's content with a backup made by `backup`."""
    target = sqlite_path(engine)
    if target is None:
        raise BackupError(postgres_guidance(engine))
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as check:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = check.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()[0]
        check.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a SQLite database: {exc}") from None
    if ok != "ok" or not has_schema:
        raise BackupError(f"{source} is not a Convention Academy backup (integrity: {ok})")
    engine.dispose()
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_db, sqlite3.connect(target) as live:
        backup_db.backup(live)
    backup_db.close()
    live.close()


def postgres_guidance(engine: Engine) -> str:
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "This database is PostgreSQL: use its own tools, which copy a consistent snapshot "
        "while the app runs.\n"
        f"  backup:  pg_dump --format=custom --file=academy.dump '{url}'\n"
        f"  restore: pg_restore --clean --if-exists --no-owner --dbname='{url}' academy.dump"
    )
