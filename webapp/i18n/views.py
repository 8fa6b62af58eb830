"""The language switcher: remember the choice, then go back to the page.

Anonymous visitors switch with a plain GET form that only sets a cookie: pages
stay the same for every visitor of a language (no session, no token), so they
can be cached (responses vary on Cookie and Accept-Language). A logged-in
learner's switcher is a POST form with a CSRF token, because it also saves the
choice to their profile.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp.auth.views import safe_next
from webapp.i18n import COOKIE, COOKIE_MAX_AGE
from webapp.i18n.forms import LanguageForm

bp = Blueprint("i18n", __name__)


@bp.route("/language", methods=["GET", "POST"])
def choose() -> Response:
    if request.method == "POST":
        form = LanguageForm()
        if not form.validate_on_submit():
            abort(400)
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
    else:
        form = LanguageForm(request.args, meta={"csrf": False})
        if not form.validate():
            abort(400)
    response = redirect(safe_next(form.next.data) or url_for("learn.index"))
    response.set_cookie(
        COOKIE,
        form.locale.data,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("HTTPS")),
    )
    response.headers["Cache-Control"] = "no-store"
    return response
