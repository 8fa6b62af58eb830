"""The account mails: each notice of course/accounts/self_service.py as a plain-text mail with its links."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course.accounts.self_service import Notice, NoticeKind
from course.models import utcnow
from webapp import mail

SUBJECTS = {
    NoticeKind.CONFIRM_EMAIL: _l("Confirm your email address"),
    NoticeKind.ACCOUNT_EXISTS: _l("You already have an account"),
    NoticeKind.RESET_PASSWORD: _l("Choose a new password"),
    NoticeKind.PASSWORD_CHANGED: _l("Your password was changed"),
}


def send_notice(notice: Notice, next_target: str | None = None) -> None:
    """Queue the notice's mail; `next_target` (a safe local path) is where its login or confirm link leads."""
    link = None
    if notice.kind is NoticeKind.CONFIRM_EMAIL:
        link = mail.external_url("auth.confirm_email", token=notice.token, next=next_target)
    elif notice.kind is NoticeKind.RESET_PASSWORD:
        link = mail.external_url("auth.reset_password", token=notice.token)
    mail.send(
        notice.user,
        SUBJECTS[notice.kind],
        f"auth/mail/{notice.kind.value}.txt",
        link=link,
        login_link=mail.external_url("auth.login", next=next_target),
        forgot_link=mail.external_url("auth.forgot_password"),
        when=utcnow(),
    )
