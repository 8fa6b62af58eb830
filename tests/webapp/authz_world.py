"""A small world for the authorisation matrix: people in every role, and objects that belong to some."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from course import accounts
from course.learning import attempts
from course.models import (
    Certificate,
    Cohort,
    CohortInstructor,
    Enrolment,
    LiveQuestion,
    Meeting,
    Role,
    User,
    utcnow,
)
from tests.conftest import PASSWORD

_HASH: list[str] = []


def _password_hash() -> str:
    """One Argon2 hash for every persona: the matrix rebuilds its world many times."""
    if not _HASH:
        _HASH.append(accounts.hash_password(PASSWORD))
    return _HASH[0]


PERSONAS = ("anonymous", "learner", "other_learner", "other_instructor", "instructor", "admin")


@dataclass
class World:
    ids: dict[str, int]
    emails: dict[str, str]
    cohort: int
    other_cohort: int
    meeting: int
    live: int
    attempt: int
    certificate: str
    join_code: str


def build(app: Any) -> World:
    maker = app.extensions["db"][1]
    catalogue = app.extensions["catalogue"]
    module = catalogue.module("electronic-evidence")
    with maker() as s:
        users: dict[str, User] = {}
        for persona, role in (
            ("learner", Role.LEARNER),
            ("other_learner", Role.LEARNER),
            ("other_instructor", Role.INSTRUCTOR),
            ("instructor", Role.INSTRUCTOR),
            ("admin", Role.ADMIN),
        ):
            users[persona] = User(
                email=f"{persona}@example.org",
                full_name=persona.replace("_", " ").title(),
                organisation="Org",
                country="Kenya",
                password_hash=_password_hash(),
                role=role.value,
                email_confirmed_at=utcnow(),
            )
            s.add(users[persona])
        s.flush()
        cohort = Cohort(
            title="Nairobi workshop",
            path_id="investigators",
            join_code="ABCDE23456",
            created_by_id=users["instructor"].id,
        )
        other = Cohort(
            title="Lima workshop",
            path_id="investigators",
            join_code="FGHJK23456",
            created_by_id=users["other_instructor"].id,
        )
        s.add_all([cohort, other])
        s.flush()
        s.add_all(
            [
                CohortInstructor(cohort_id=cohort.id, user_id=users["instructor"].id),
                CohortInstructor(cohort_id=other.id, user_id=users["other_instructor"].id),
                Enrolment(cohort_id=cohort.id, user_id=users["learner"].id),
                Enrolment(cohort_id=other.id, user_id=users["other_learner"].id),
            ]
        )
        meeting = Meeting(cohort_id=cohort.id, title="Day 1", starts_at=utcnow() - timedelta(hours=2))
        question = module.questions[0]
        live = LiveQuestion(
            cohort_id=cohort.id,
            module_id=module.id,
            question_id=question.id,
            content_version=module.version,
            option_ids=[o.id for o in question.options],
            opened_by_id=users["instructor"].id,
        )
        s.add_all([meeting, live])
        attempt = attempts.start_attempt(s, users["learner"].id, module)
        certificate = Certificate(
            code="7K3M-Q9TD-2XWB-HN4R-8CVP",
            status_index=1,
            user_id=users["learner"].id,
            path_id="investigators",
            path_title="Investigators and first responders",
            learner_name="Learner",
            modules={},
            content_version="abc",
            completed_on=date.today(),
            cohort_id=cohort.id,
            cohort_title=cohort.title,
        )
        s.add(certificate)
        s.commit()
        return World(
            ids={k: v.id for k, v in users.items()},
            emails={k: v.email for k, v in users.items()},
            cohort=cohort.id,
            other_cohort=other.id,
            meeting=meeting.id,
            live=live.id,
            attempt=attempt.id,
            certificate=certificate.code,
            join_code="ABCDE23456",
        )
