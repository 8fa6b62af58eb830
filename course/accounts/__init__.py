"""Accounts: registration, password rules, login with throttling, roles, personal data.

Passwords are hashed with Argon2id (argon2-cffi). Login gives the same answer for
an unknown email and a wrong password, takes about as long for both, and is
throttled per account and per client address through counters in the database,
so the limits hold across workers and restarts.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import zxcvbn
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from course.models import AuditEvent, LessonCompletion, QuizAttempt, Role, User, utcnow
from course.platform import throttle

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
LOGIN_WINDOW = 15 * 60
LOGIN_LIMIT_PER_ACCOUNT = 5
LOGIN_LIMIT_PER_ADDRESS = 30

_hasher = PasswordHasher()


def configure_hasher(time_cost: int, memory_cost: int) -> None:
    """Set Argon2 cost (tests lower it; production keeps argon2-cffi's RFC 9106 defaults)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("not a real password, used to even out timing")


_DUMMY_HASH = _hasher.hash("not a real password, used to even out timing")


class PasswordProblem(enum.Enum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"


def password_problem(password: str, user_inputs: list[str] | None = None) -> PasswordProblem | None:
    """Why this password is refused, or None when it is acceptable.

    At least 10 characters, and not guessable: zxcvbn checks it against lists of
    the most common passwords, keyboard patterns, dates, and the user's own
    name and email (strength score 2 of 4 or better).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordProblem.TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordProblem.TOO_LONG
    inputs = [part for text in (user_inputs or []) for part in _words(text)]
    if zxcvbn.zxcvbn(password[:100], user_inputs=inputs)["score"] < 2:
        return PasswordProblem.TOO_COMMON
    return None


def _words(text: str) -> list[str]:
    return [w for w in text.replace("@", " ").replace(".", " ").split() if len(w) > 2]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_name(name: str) -> str:
    """Keep the name exactly as typed (any script), only in Unicode NFC and trimmed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


class EmailTaken(Exception):
    pass


def register(
    session: Session,
    *,
    email: str,
    full_name: str,
    organisation: str,
    country: str,
    password: str,
    role: Role = Role.LEARNER,
) -> User:
    """Create an account. Raises EmailTaken if the email is already registered.

    For accounts made on someone's authority (`flask users create`, the demo loader),
    whose address counts as confirmed. People who sign themselves up go through
    course/accounts/self_service.py, which leaves the address unconfirmed until they prove it.
    """
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(email)
    return add_account(
        session,
        email=email,
        full_name=full_name,
        organisation=organisation,
        country=country,
        password_hash=hash_password(password),
        role=role,
        confirmed_at=utcnow(),
    )


def add_account(
    session: Session,
    *,
    email: str,
    full_name: str,
    organisation: str,
    country: str,
    password_hash: str,
    role: Role = Role.LEARNER,
    confirmed_at: datetime | None = None,
) -> User:
    """Insert an account (the email must be free: the unique constraint says otherwise)."""
    user = User(
        email=normalise_email(email),
        full_name=normalise_name(full_name),
        organisation=organisation.strip(),
        country=country.strip(),
        password_hash=password_hash,
        role=role.value,
        email_confirmed_at=confirmed_at,
    )
    session.add(user)
    session.flush()
    return user


class LoginOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"  # unknown email, wrong password or deactivated: one answer for all
    THROTTLED = "throttled"
    UNCONFIRMED = "unconfirmed"  # the right password, but the email address is not confirmed yet


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def authenticate(session: Session, email: str, password: str, address: str) -> LoginResult:
    """Check credentials under the login throttles; record failures.

    Only someone who knows the password learns that the address is not confirmed yet.
    """
    email = normalise_email(email)
    account_key = f"login:account:{email}"
    address_key = f"login:address:{address}"
    if throttle.is_blocked(
        session, account_key, LOGIN_LIMIT_PER_ACCOUNT, LOGIN_WINDOW
    ) or throttle.is_blocked(session, address_key, LOGIN_LIMIT_PER_ADDRESS, LOGIN_WINDOW):
        return LoginResult(LoginOutcome.THROTTLED)
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active or not _verify(user.password_hash, password):
        if user is None:
            _verify(_DUMMY_HASH, password)  # same work as a real check
        throttle.record(session, account_key, LOGIN_WINDOW)
        throttle.record(session, address_key, LOGIN_WINDOW)
        return LoginResult(LoginOutcome.INVALID)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    throttle.clear(session, account_key)
    if user.email_confirmed_at is None:
        return LoginResult(LoginOutcome.UNCONFIRMED, user)
    user.last_login_at = utcnow()
    return LoginResult(LoginOutcome.OK, user)


def _verify(password_hash: str, password: str) -> bool:
    """Check a password against a stored hash (never raises)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


def change_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Invalidate every session and remember-me cookie of this user."""
    user.session_version += 1


def audit(session: Session, actor: User | None, action: str, target: str, detail: str = "") -> None:
    session.add(AuditEvent(actor_id=actor.id if actor else None, action=action, target=target, detail=detail))


def set_role(session: Session, actor: User, user: User, role: Role) -> None:
    if user.role != role.value:
        audit(session, actor, "role_change", f"user:{user.id}", f"{user.role} -> {role.value}")
        user.role = role.value
        end_sessions(user)


def set_active(session: Session, actor: User, user: User, active: bool) -> None:
    if user.is_active != active:
        audit(session, actor, "activate" if active else "deactivate", f"user:{user.id}")
        user.is_active = active
        end_sessions(user)


def search_users(
    session: Session, query: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[User], int]:
    """Users whose email, name or organisation contains `query`, newest first, and the total."""
    stmt = select(User)
    if query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(like),
                func.lower(User.full_name).like(like),
                func.lower(User.organisation).like(like),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    users = list(
        session.scalars(stmt.order_by(User.created_at.desc(), User.id.desc()).limit(limit).offset(offset))
    )
    return users, total


def personal_data(session: Session, user: User) -> dict[str, Any]:
    """Everything stored about a learner, for the download of their own data."""

    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    completions = session.scalars(
        select(LessonCompletion)
        .where(LessonCompletion.user_id == user.id)
        .order_by(LessonCompletion.completed_at)
    )
    attempts = session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.id)
    )
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "organisation": user.organisation,
            "country": user.country,
            "role": user.role,
            "locale": user.locale,
            "created_at": iso(user.created_at),
            "email_confirmed_at": iso(user.email_confirmed_at),
            "last_login_at": iso(user.last_login_at),
        },
        "lesson_completions": [
            {
                "module": c.module_id,
                "lesson": c.lesson_id,
                "content_version": c.content_version,
                "completed_at": iso(c.completed_at),
            }
            for c in completions
        ],
        "quiz_attempts": [
            {
                "module": a.module_id,
                "content_version": a.content_version,
                "status": a.status,
                "questions_shown": a.shown,
                "answers": a.answers,
                "score": a.score,
                "passed": a.passed,
                "pass_mark": a.pass_mark,
                "started_at": iso(a.started_at),
                "submitted_at": iso(a.submitted_at),
            }
            for a in attempts
        ],
    }


def delete_account(session: Session, user: User) -> None:
    """Delete the account and everything recorded about the person's learning."""
    audit(session, None, "account_deleted", f"user:{user.id}")
    session.delete(user)
