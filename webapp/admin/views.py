"""Administration: find users, change their role, deactivate or reactivate accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from course import accounts
from course.models import Role, User
from webapp.access import admin_required, search_page
from webapp.admin.forms import ActiveForm, RoleForm
from webapp.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@admin_required
def users() -> str:
    found = search_page(lambda q, limit, offset: accounts.search_users(db.session, q, limit, offset))
    return render_template(
        "admin/users.html",
        users=found.items,
        total=found.total,
        query=found.query,
        page=found.page,
        pages=found.pages,
        role_form=RoleForm,
        active_form=ActiveForm,
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
def set_role(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot change your own role."), "error")
        return redirect(url_for("admin.users"))
    accounts.set_role(db.session, current_user, user, Role(form.role.data))
    flash(_("%(name)s is now: %(role)s.", name=user.full_name, role=form.role.data), "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))


@bp.post("/users/<int:user_id>/active")
@admin_required
def set_active(user_id: int) -> Response:
    user = get_user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.users"))
    active = form.active.data == "1"
    accounts.set_active(db.session, current_user, user, active)
    message = _("%(name)s can log in again.") if active else _("%(name)s can no longer log in.")
    flash(message % {"name": user.full_name}, "success")
    return redirect(url_for("admin.users", q=request.args.get("q", "")))
