"""What people do for themselves through a mailed link: sign up and confirm the address, reset a password.

Nothing here tells the person asking whether an address has an account: each
function decides which notice, if any, the owner of the address gets, and the
web layer answers the same in every case, and sends the notice after the
response has gone. A sign-up does the same expensive work (hashing the
password) whether the address is new or taken.

Throttles (shared counters, course/platform/throttle.py): per client address, a flood of
sign-ups or reset requests is refused outright (the refusal says nothing about
any account); per email address, mails beyond a few an hour are silently not
sent, so nobody can fill somebody's mailbox through the forms.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.accounts import add_account, audit, hash_password, normalise_email, password_links
from course.models import User, utcnow
from course.platform import throttle

HOUR = 3600
SIGNUP_LIMIT_PER_ADDRESS = 100  # a workshop room behind one address signs up together
RESET_WINDOW = 15 * 60
RESET_LIMIT_PER_ADDRESS = 30
MAILS_PER_RECIPIENT = 5  # of each kind, per hour


class NoticeKind(enum.StrEnum):
    CONFIRM_EMAIL = "confirm_email"  # a link to confirm a new account's address
    ACCOUNT_EXISTS = "account_exists"  # someone tried to sign up with an address that has an account
    RESET_PASSWORD = "reset_password"  # a link to choose a new password
    PASSWORD_CHANGED = "password_changed"  # the password was just changed through a link


@dataclass(frozen=True)
class Notice:
    """A mail to send to `user` (with a one-time link when `token` is set)."""

    kind: NoticeKind
    user: User
    token: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a request did: refused as a flood from one client address, and/or a notice to send."""

    throttled: bool = False
    notice: Notice | None = None


def _mail_allowed(session: Session, kind: NoticeKind, email: str, now: datetime) -> bool:
    return throttle.hit(session, f"mail:{kind}:{email}", MAILS_PER_RECIPIENT, HOUR, now)


def sign_up(
    session: Session,
    *,
    email: str,
    full_name: str,
    organisation: str,
    country: str,
    password: str,
    address: str,
    now: datetime | None = None,
) -> Outcome:
    """Create an unconfirmed account with a confirmation link, or tell the owner of a taken address.

    A taken address changes nothing on its account: its owner (if active) is told
    that someone tried, with the way to log in or reset the password.
    """
    now = now or utcnow()
    if not throttle.hit(session, f"signup:address:{address}", SIGNUP_LIMIT_PER_ADDRESS, HOUR, now):
        return Outcome(throttled=True)
    email = normalise_email(email)
    password_hash = hash_password(password)  # in both cases: the time taken must not tell them apart
    existing = session.scalar(select(User).where(User.email == email))
    if existing is None:
        try:
            with session.begin_nested():  # two sign-ups for one new address at once: the second is "taken"
                user = add_account(
                    session,
                    email=email,
                    full_name=full_name,
                    organisation=organisation,
                    country=country,
                    password_hash=password_hash,
                )
        except IntegrityError:
            existing = session.scalar(select(User).where(User.email == email))
        else:
            token = password_links.issue(session, user, password_links.CONFIRM_EMAIL, now)
            return Outcome(notice=Notice(NoticeKind.CONFIRM_EMAIL, user, token))
    if existing is None or not existing.is_active:
        return Outcome()
    if not _mail_allowed(session, NoticeKind.ACCOUNT_EXISTS, email, now):
        return Outcome()
    return Outcome(notice=Notice(NoticeKind.ACCOUNT_EXISTS, existing))


def resend_confirmation(session: Session, user: User, now: datetime | None = None) -> Notice | None:
    """A new confirmation link for an unconfirmed account (older ones stop working); None if too many."""
    now = now or utcnow()
    if user.email_confirmed_at is not None or not user.is_active:
        return None
    if not _mail_allowed(session, NoticeKind.CONFIRM_EMAIL, user.email, now):
        return None
    token = password_links.issue(session, user, password_links.CONFIRM_EMAIL, now)
    return Notice(NoticeKind.CONFIRM_EMAIL, user, token)


def confirmation_account(session: Session, token: str) -> User | None:
    """The account a still-usable confirmation link belongs to, or None."""
    return password_links.account_for(session, token, password_links.CONFIRM_EMAIL)


def confirm_email(session: Session, token: str, now: datetime | None = None) -> User | None:
    """Confirm the address with the link, once, and count it as a login; None when the link is not usable."""
    now = now or utcnow()
    user = password_links.consume(session, token, password_links.CONFIRM_EMAIL, now)
    if user is None:
        return None
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        audit(session, user, "email_confirmed", f"user:{user.id}")
    user.last_login_at = now
    return user


def request_reset(session: Session, email: str, address: str, now: datetime | None = None) -> Outcome:
    """A password-reset link for the active account with this address, if any (older links stop working)."""
    now = now or utcnow()
    if not throttle.hit(session, f"reset:address:{address}", RESET_LIMIT_PER_ADDRESS, RESET_WINDOW, now):
        return Outcome(throttled=True)
    email = normalise_email(email)
    # Counted for every address asked about, known or not: the same work either way.
    if not _mail_allowed(session, NoticeKind.RESET_PASSWORD, email, now):
        return Outcome()
    user = session.scalar(select(User).where(User.email == email))
    if user is None or not user.is_active:
        return Outcome()
    token = password_links.issue(session, user, password_links.RESET_PASSWORD, now)
    return Outcome(notice=Notice(NoticeKind.RESET_PASSWORD, user, token))


def reset_account(session: Session, token: str) -> User | None:
    """The account a still-usable reset link belongs to, or None."""
    return password_links.account_for(session, token, password_links.RESET_PASSWORD)


def reset_password(session: Session, token: str, password: str, now: datetime | None = None) -> Notice | None:
    """Set the new password with the link, once; None when the link is not usable.

    The address is confirmed by the same stroke (the link came through it), every
    other session of the account ends, and the owner is told by mail.
    """
    now = now or utcnow()
    user = password_links.use(session, token, password, password_links.RESET_PASSWORD, now)
    if user is None:
        return None
    audit(session, user, "password_reset", f"user:{user.id}")
    user.last_login_at = now
    return Notice(NoticeKind.PASSWORD_CHANGED, user)
