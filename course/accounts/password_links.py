"""One-time links mailed or handed to a person: set a password, reset it, confirm an email address.

The link carries a random token (256 bits); the database keeps only its SHA-256,
so a copy of the database gives nobody a working link. A token has a purpose and
works only for it, once, until it expires; issuing a new token for an account
cancels its older unused ones of the same purpose. Using it is atomic: a
conditional UPDATE marks it used, so two submits of the same link cannot both act.

Purposes and lifetimes: "set" (an account created from a cohort roster, 30 days:
rosters are often imported weeks before the workshop), "reset" (a forgotten
password, 1 hour), "confirm" (a new account's email address, 24 hours).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from course.accounts import change_password
from course.models import PasswordToken, User, utcnow

SET_PASSWORD = "set"
RESET_PASSWORD = "reset"
CONFIRM_EMAIL = "confirm"
LINK_DAYS = 30
LIFETIMES = {
    SET_PASSWORD: timedelta(days=LINK_DAYS),
    RESET_PASSWORD: timedelta(hours=1),
    CONFIRM_EMAIL: timedelta(hours=24),
}
PASSWORD_PURPOSES = (SET_PASSWORD, RESET_PASSWORD)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(session: Session, user: User, purpose: str = SET_PASSWORD, now: datetime | None = None) -> str:
    """A fresh token for `user` (shown once, never stored); older unused ones of this purpose stop working."""
    now = now or utcnow()
    cancel(session, user, (purpose,))
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordToken(
            user_id=user.id,
            token_hash=token_hash(token),
            purpose=purpose,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    session.flush()
    return token


def cancel(session: Session, user: User, purposes: tuple[str, ...]) -> None:
    """Make every unused token of these purposes stop working."""
    session.execute(
        delete(PasswordToken).where(
            PasswordToken.user_id == user.id,
            PasswordToken.purpose.in_(purposes),
            PasswordToken.used_at.is_(None),
        )
    )


def _usable(token: str, purpose: str, now: datetime):  # type: ignore[no-untyped-def]
    return (
        PasswordToken.token_hash == token_hash(token),
        PasswordToken.purpose == purpose,
        PasswordToken.used_at.is_(None),
        PasswordToken.expires_at > now,
    )


def account_for(
    session: Session, token: str, purpose: str = SET_PASSWORD, now: datetime | None = None
) -> User | None:
    """The active account a usable token of this purpose belongs to, or None (unknown, used, expired)."""
    if not token or len(token) > 100:
        return None
    row = session.scalar(select(PasswordToken).where(*_usable(token, purpose, now or utcnow())))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def consume(session: Session, token: str, purpose: str, now: datetime | None = None) -> User | None:
    """Mark the token used, once, and give its account; None when it is not usable (any more)."""
    now = now or utcnow()
    user = account_for(session, token, purpose, now)
    if user is None:
        return None
    used = session.execute(
        update(PasswordToken)
        .where(*_usable(token, purpose, now))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return None  # another request used it first
    return user


def use(
    session: Session, token: str, password: str, purpose: str = SET_PASSWORD, now: datetime | None = None
) -> User | None:
    """Set the password with a set or reset token, once; None when the token is not usable (any more).

    The link reached its owner through their mailbox (or their instructor), so the
    address counts as confirmed. Every other password link of the account stops
    working, and every session of it ends (change_password).
    """
    now = now or utcnow()
    user = consume(session, token, purpose, now)
    if user is None:
        return None
    change_password(user, password)
    cancel(session, user, PASSWORD_PURPOSES)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    return user


def pending_accounts(session: Session, user_ids: list[int]) -> dict[int, datetime | None]:
    """Accounts created through a link whose owner has not taken them over yet.

    {user id: when the current link expires (None if it was cancelled)}. An owner has
    taken the account over once they used a link or logged in.
    """
    if not user_ids:
        return {}
    rows = session.execute(
        select(PasswordToken.user_id, PasswordToken.used_at, PasswordToken.expires_at)
        .join(User, User.id == PasswordToken.user_id)
        .where(
            PasswordToken.user_id.in_(user_ids),
            PasswordToken.purpose == SET_PASSWORD,
            User.last_login_at.is_(None),
        )
    ).all()
    taken_over = {user_id for user_id, used_at, _e in rows if used_at is not None}
    pending: dict[int, datetime | None] = {}
    for user_id, _used_at, expires_at in rows:
        if user_id not in taken_over:
            pending[user_id] = max(filter(None, (pending.get(user_id), expires_at)), default=None)
    return pending


def may_issue(session: Session, user: User) -> bool:
    """A new link may be issued only for an account still waiting for its owner.

    Never for an account whose owner has logged in or used a link: that would let
    whoever issues links take over somebody's account.
    """
    return user.id in pending_accounts(session, [user.id])
