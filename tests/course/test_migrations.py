"""Migrations on a database that already holds data (the suite's own database starts empty)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from course import migrate
from course.db import make_engine
from course.models import UTCDateTime
from tests.conftest import empty_database

BEFORE_EMAIL_CONFIRMATION = "eda1d9443c0a"


@pytest.fixture
def fresh_engine(tmp_path: Path) -> Iterator[Engine]:
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_accounts_that_existed_count_as_confirmed_since_their_creation(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine, BEFORE_EMAIL_CONFIRMATION)
    created = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    user = sa.table(
        "user",
        *(sa.column(name) for name in ("email", "full_name", "organisation", "country", "password_hash")),
        *(sa.column(name) for name in ("role", "is_active", "session_version")),
        sa.column("created_at", UTCDateTime()),
        sa.column("email_confirmed_at", UTCDateTime()),
    )
    with fresh_engine.begin() as conn:
        conn.execute(
            user.insert().values(
                email="old@example.org",
                full_name="Old Account",
                organisation="",
                country="",
                password_hash="x",
                role="learner",
                is_active=True,
                session_version=1,
                created_at=created,
            )
        )
    migrate.upgrade(fresh_engine)
    with fresh_engine.connect() as conn:
        assert conn.execute(sa.select(user.c.email_confirmed_at)).scalar_one() == created
    assert migrate.current(fresh_engine) == migrate.head(fresh_engine)
