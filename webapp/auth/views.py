"""Accounts: register and confirm the address, log in and out, reset a password, the learner's own data.

Registration and "forgot your password" answer the same whatever the address:
whether it has an account is told only to its owner, by mail (webapp/auth/mails.py).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from course import accounts
from course.accounts import self_service
from webapp.auth.forms import (
    ConfirmEmailForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    ProfileForm,
    RegisterForm,
)
from webapp.auth.mails import send_notice
from webapp.extensions import db

bp = Blueprint("auth", __name__, template_folder="templates")

# A page that shows an address someone typed is nobody else's to cache.
PRIVATE = {"Cache-Control": "no-store"}
# A page whose URL holds a one-time token: never cached, never sent on as a Referer.
TOKEN_PAGE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def safe_next(target: str | None) -> str | None:
    """A local path to go to after login, or None: no scheme, no host, no backslash tricks.

    Checked on the text as sent and once percent-decoded, so encoded forms of
    '//', '\\' and control characters are refused too.
    """
    if not target:
        return None
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return None
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in form):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _start_session(user, remember: bool) -> None:  # type: ignore[no-untyped-def]
    session.clear()  # a fresh session at login: nothing carried over from before
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int, dict[str, str]]:
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("learn.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        outcome = self_service.sign_up(
            db.session,
            email=form.email.data,
            full_name=form.full_name.data,
            organisation=form.organisation.data,
            country=form.country.data,
            password=form.password.data,
            address=request.remote_addr or "",
        )
        if outcome.throttled:
            abort(429)
        if outcome.notice is not None:
            send_notice(outcome.notice, next_target=target)
        # The same page whether the address was new or taken: only its owner's mailbox knows.
        return render_template("auth/check_email.html", email=form.email.data.strip()), 200, PRIVATE
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("learn.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.authenticate(
            db.session, form.email.data, form.password.data, request.remote_addr or ""
        )
        if result.outcome is accounts.LoginOutcome.OK and result.user is not None:
            _start_session(result.user, remember=bool(form.remember.data))
            return redirect(target or url_for("learn.dashboard"))
        if result.outcome is accounts.LoginOutcome.UNCONFIRMED and result.user is not None:
            notice = self_service.resend_confirmation(db.session, result.user)
            if notice is not None:
                send_notice(notice, next_target=target)
                flash(_("Confirm your email address first. We have sent you a new link."), "error")
            else:
                flash(
                    _(
                        "Confirm your email address first. We have sent you a link a short while ago: "
                        "look for it in your inbox and in your spam folder."
                    ),
                    "error",
                )
        elif result.outcome is accounts.LoginOutcome.THROTTLED:
            flash(_("Too many failed attempts. Wait 15 minutes, then try again."), "error")
            status = 429
        else:
            flash(_("The email or password is not right."), "error")
    return render_template("auth/login.html", form=form), status


def _token_page(template: str, status: int = 200, **context: Any) -> tuple[str, int, dict[str, str]]:
    return render_template(template, **context), status, TOKEN_PAGE


def _link_invalid(purpose: str) -> tuple[str, int, dict[str, str]]:
    """Unknown, used, cancelled or expired: one page, with the way to a new link."""
    return _token_page("auth/link_invalid.html", 404, purpose=purpose)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Response | tuple[str, int, dict[str, str]]:
    """The link mailed at registration: a page with a button (mail scanners open links), then a session."""
    user = self_service.confirmation_account(db.session, token)
    if user is None:
        return _link_invalid("confirm")
    if current_user.is_authenticated and current_user.id != user.id:
        return _token_page("auth/confirm_email.html", form=None, user=user)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        done = self_service.confirm_email(db.session, token)
        if done is None:
            return _link_invalid("confirm")
        _start_session(done, remember=False)
        flash(_("Your email address is confirmed. Welcome, %(name)s.", name=done.full_name), "success")
        return redirect(safe_next(request.args.get("next")) or url_for("learn.dashboard"))
    return _token_page("auth/confirm_email.html", form=form, user=user)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> str | tuple[str, int, dict[str, str]]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        outcome = self_service.request_reset(db.session, form.email.data, request.remote_addr or "")
        if outcome.throttled:
            abort(429)
        if outcome.notice is not None:
            send_notice(outcome.notice)
        return render_template("auth/reset_sent.html", email=form.email.data.strip()), 200, PRIVATE
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | tuple[str, int, dict[str, str]]:
    """The mailed reset link: a new password, then this session only (every other one ends)."""
    user = self_service.reset_account(db.session, token)
    if user is None:
        return _link_invalid("reset")
    if current_user.is_authenticated and current_user.id != user.id:
        return _token_page("auth/reset_password.html", form=None, user=user)
    form = NewPasswordForm(email=user.email, full_name=user.full_name)
    if form.validate_on_submit():
        notice = self_service.reset_password(db.session, token, form.password.data)
        if notice is None:
            return _link_invalid("reset")
        send_notice(notice)
        _start_session(notice.user, remember=False)
        flash(
            _("Your new password is saved, and you are logged in. Your other sessions have ended."), "success"
        )
        return redirect(url_for("learn.dashboard"))
    return _token_page("auth/reset_password.html", form=form, user=user)


@bp.post("/logout")
def logout() -> Response:
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("learn.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.full_name = accounts.normalise_name(form.full_name.data)
        current_user.organisation = form.organisation.data.strip()
        current_user.country = form.country.data.strip()
        current_user.locale = form.locale.data or None
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, delete_form=DeleteAccountForm())


@bp.get("/account/data.json")
@login_required
def data() -> Response:
    payload = json.dumps(accounts.personal_data(db.session, current_user), ensure_ascii=False, indent=2)
    return Response(
        payload,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="convention-academy-my-data.json"'},
    )


@bp.post("/account/delete")
@login_required
def delete() -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit() and accounts.check_password(current_user, form.password.data):
        accounts.delete_account(db.session, current_user._get_current_object())
        logout_user()
        session.clear()
        flash(_("Your account and all your records are deleted."), "success")
        return redirect(url_for("learn.index"))
    flash(_("Your account was not deleted: confirm with your password and tick the box."), "error")
    return render_template("auth/account.html", form=ProfileForm(obj=current_user), delete_form=form), 400
