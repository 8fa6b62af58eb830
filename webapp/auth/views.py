"""Accounts: register, log in and out, the learner's own data."""

from __future__ import annotations

import json
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from course import accounts
from webapp.auth.forms import DeleteAccountForm, LoginForm, LogoutForm, ProfileForm, RegisterForm
from webapp.extensions import db

bp = Blueprint("auth", __name__, template_folder="templates")


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
def register() -> str | Response:
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("learn.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                db.session,
                email=form.email.data,
                full_name=form.full_name.data,
                organisation=form.organisation.data,
                country=form.country.data,
                password=form.password.data,
            )
        except accounts.EmailTaken:
            form.email.errors.append(_("An account with this email exists. Log in instead."))
        else:
            _start_session(user, remember=False)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.full_name), "success")
            return redirect(target or url_for("learn.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
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
        if result.outcome is accounts.LoginOutcome.THROTTLED:
            flash(_("Too many failed attempts. Wait 15 minutes, then try again."), "error")
            status = 429
        else:
            flash(_("The email or password is not right."), "error")
    return render_template("auth/login.html", form=form), status


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
