"""Migrations on a database that already holds data (the suite's own database starts empty)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from course import accounts, cohorts
from course.credentials import certificates, signing, verification
from course.models import Certificate, Cohort, Role, UTCDateTime
from course.platform import migrate
from course.platform.db import make_engine, make_sessionmaker
from tests.conftest import PASSWORD, empty_database

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


BEFORE_COHORT_TIMEZONE = "76a8483a4d7a"


def test_cohorts_that_existed_get_utc_and_their_meetings_read_back_unchanged(fresh_engine: Engine) -> None:
    """Meetings were stored as the typed wall-clock time "as if UTC": in a UTC cohort that is right."""
    migrate.upgrade(fresh_engine, BEFORE_COHORT_TIMEZONE)
    typed = datetime(2026, 3, 3, 9, tzinfo=UTC)  # "09:00" as the instructor typed it
    cohort_id = 7
    with fresh_engine.begin() as conn:
        conn.execute(
            sa.table(
                "cohort",
                *(sa.column(name) for name in ("id", "title", "description", "location", "is_join_open")),
                sa.column("module_ids", sa.JSON()),
                sa.column("created_at", UTCDateTime()),
            )
            .insert()
            .values(
                id=cohort_id,
                title="Workshop",
                description="",
                location="",
                is_join_open=True,
                module_ids=[],
                created_at=typed,
            )
        )
        meeting = sa.table(
            "meeting",
            *(sa.column(name) for name in ("cohort_id", "title", "duration_minutes", "agenda")),
            sa.column("starts_at", UTCDateTime()),
        )
        conn.execute(
            meeting.insert().values(
                cohort_id=cohort_id, title="Day 1", starts_at=typed, duration_minutes=120, agenda=""
            )
        )
    migrate.upgrade(fresh_engine)
    assert migrate.current(fresh_engine) == migrate.head(fresh_engine)

    with make_sessionmaker(fresh_engine)() as session:
        cohort = session.get(Cohort, cohort_id)
        assert cohort.timezone == "UTC"
        (stored,) = cohorts.meetings(session, cohort_id)
        assert stored.starts_at == typed
        assert cohorts.local_time(cohort.timezone, stored.starts_at).strftime("%Y-%m-%d %H:%M") == (
            "2026-03-03 09:00"
        )
        assert cohorts.attendance_table(session, cohort, typed).held == (stored,)


BEFORE_STATUS_INDEX = "315541141109"


def test_certificates_that_existed_keep_their_id_as_status_index_and_still_read_right(
    fresh_engine: Engine,
) -> None:
    """Their signed credentials name index = id: revoking one must set exactly that bit."""
    migrate.upgrade(fresh_engine, BEFORE_STATUS_INDEX)
    issued = datetime(2025, 3, 12, 10, tzinfo=UTC)
    certificate = sa.table(
        "certificate",
        *(sa.column(name) for name in ("id", "code", "path_id", "path_title", "learner_name")),
        *(sa.column(name) for name in ("content_version", "completed_on", "status", "revoked_note")),
        sa.column("modules", sa.JSON()),
        sa.column("issued_at", UTCDateTime()),
    )
    with fresh_engine.begin() as conn:
        for number, code in ((41, "AAAA-AAAA-AAAA-AAAA-AAAA"), (42, "BBBB-BBBB-BBBB-BBBB-BBBB")):
            conn.execute(
                certificate.insert().values(
                    id=number,
                    code=code,
                    path_id="investigators",
                    path_title="Investigators and first responders",
                    learner_name=f"Learner {number}",
                    content_version="3fa9c2d1e0b4a7c6",
                    completed_on=issued.date(),
                    status="valid",
                    revoked_note="",
                    modules={"m": {"position": 1, "title": "M", "version": "v1", "score": 90.0}},
                    issued_at=issued,
                )
            )
    migrate.upgrade(fresh_engine)
    assert migrate.current(fresh_engine) == migrate.head(fresh_engine)

    with make_sessionmaker(fresh_engine)() as session:
        accounts.configure_hasher(1, 8192)
        admin = accounts.register(
            session,
            email="admin@example.org",
            full_name="Admin",
            organisation="",
            country="",
            password=PASSWORD,
            role=Role.ADMIN,
        )
        kept, revoked = session.scalars(sa.select(Certificate).order_by(Certificate.id)).all()
        assert (kept.status_index, revoked.status_index) == (41, 42)
        # downloaded again, a credential names the same entry as the one signed before the upgrade
        entry = signing.build_credential(
            verification.credential_input(kept, "https://a.example/verify/x", "https://a.example/paths/p"),
            signing.Issuer("https://a.example/i", "A", "https://a.example/", "https://a.example/s"),
        )["credentialStatus"]
        assert (entry["statusListIndex"], entry["id"]) == ("41", "https://a.example/s#41")

        certificates.revoke(session, revoked, admin, certificates.RevocationReason.OTHER, "legacy")
        encoded = signing.encoded_status_list(
            verification.revoked_status_indexes(session), verification.status_list_size(session)
        )
        assert signing.is_set(encoded, 42) and not signing.is_set(encoded, 41)
