"""Instructor-led sessions: cohorts, enrolment, meetings, attendance, live quiz, grid, exports.

This file holds the blueprint, the cohort pages themselves, joining by code or
link, the set-password link for accounts created from a roster, and the
navigation helper. The other pages attach to the same blueprint from
views_roster.py, views_meetings.py, views_progress.py and views_live.py.
Every view: load (through webapp/cohorts/access.py, which refuses with 403/404)
→ act through `course` → redirect or render.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import DBAPIError
from werkzeug.wrappers import Response

from course import cohorts
from course.accounts import normalise_name, password_links
from course.cohorts import live
from course.learning import progress
from course.models import utcnow
from webapp import catalogue
from webapp.cohorts.access import (
    instructor_required,
    managed_cohort_or_404,
    member_cohort_or_404,
    modules_of,
)
from webapp.cohorts.forms import (
    ActionForm,
    CohortForm,
    DeleteCohortForm,
    InstructorForm,
    JoinForm,
    JoiningForm,
    SetPasswordForm,
    cohort_form,
)
from webapp.extensions import db

bp = Blueprint("cohorts", __name__, template_folder="templates")


@bp.app_context_processor
def navigation() -> dict[str, Any]:
    return {"cohort_nav": cohort_nav}


def cohort_nav() -> str | None:
    """Which cohort link the menu shows: 'instructor', 'member' (enrolled somewhere), 'join' or None."""
    if not getattr(current_user, "is_authenticated", False):
        return None
    if current_user.is_instructor:
        return "instructor"
    enrolled = g.get("user_enrolled")  # read with the user at login (webapp/__init__.py load_user)
    try:
        if enrolled is None:
            enrolled = cohorts.has_enrolments(db.session, current_user.id)
        return "member" if enrolled else "join"
    except DBAPIError:  # the error page for a database outage must still render
        return None


# How every time on a cohort's pages is shown (a meeting, a live question, a quiz submission,
# an enrolment): in the cohort's zone, which is named, or as the day it was there.
# Flask-Babel would move a datetime to the app's zone (UTC): rebase=False keeps the cohort's.


@bp.app_template_filter("cohort_when")
def cohort_when(value: datetime | None, zone: str) -> str:
    """An instant in the cohort's zone, named: "Tuesday, March 3, 2026, 9:00 AM (Africa/Nairobi)"."""
    if value is None:
        return ""
    local = cohorts.local_time(zone, value)
    # TRANSLATORS: a meeting's time: day (Tuesday, March 3, 2026), hour (9:00 AM), zone (Africa/Nairobi)
    return _(
        "%(day)s, %(time)s (%(zone)s)",
        day=format_date(local.date(), "full"),
        time=format_time(local, "short", rebase=False),
        zone=zone,
    )


@bp.app_template_filter("cohort_day")
def cohort_day(value: datetime | None, zone: str) -> str:
    """The day an instant falls on in the cohort's zone (a column heading, an enrolment): "Mar 3, 2026".

    20:00 UTC on 1 March is 2 March in Ho Chi Minh City (UTC+7): the cohort's day, not the server's.
    """
    return format_date(cohorts.local_time(zone, value).date(), "medium") if value else ""


def join_url(cohort: Any) -> str:
    return url_for("cohorts.join_link", code=cohorts.format_code(cohort.join_code), _external=True)


# --- the cohorts ----------------------------------------------------------------------


@bp.get("/cohorts")
@login_required
def index() -> str:
    managed = cohorts.managed_cohorts(db.session, current_user) if current_user.is_instructor else []
    return render_template(
        "cohorts/index.html",
        managed=managed,
        joined=cohorts.learner_cohorts(db.session, current_user.id),
        join_form=JoinForm(formdata=None),
    )


def _settings(form: CohortForm) -> cohorts.CohortSettings:
    return cohorts.CohortSettings(
        title=form.title.data,
        description=form.description.data or "",
        path_id=form.path_id.data or None,
        module_ids=tuple(form.module_ids.data or ()),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        location=form.location.data or "",
        capacity=form.capacity.data,
        pass_mark=form.pass_mark.data,
        min_attendance=form.min_attendance.data,
        timezone=form.timezone.data,
    )


@bp.route("/cohorts/new", methods=["GET", "POST"])
@instructor_required
def new() -> str | Response:
    form = cohort_form(catalogue())
    if form.validate_on_submit():
        cohort = cohorts.create_cohort(db.session, current_user, _settings(form))
        flash(_("The cohort is ready. Give your learners the join code or the join link."), "success")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=None)


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def show(cohort_id: int) -> str:
    cohort, manages = member_cohort_or_404(cohort_id)
    modules = modules_of(cohort)
    if not manages:
        return _learner_page(cohort, modules)
    return render_template(
        "cohorts/show.html",
        cohort=cohort,
        modules=modules,
        instructors=cohorts.instructors(db.session, cohort.id),
        learners=cohorts.learner_count(db.session, cohort.id),
        places_left=cohorts.places_left(db.session, cohort),
        meetings=cohorts.meetings(db.session, cohort.id),
        current=live.current(db.session, cohort.id),
        code=cohorts.format_code(cohort.join_code),
        link=join_url(cohort),
        action_form=ActionForm(),
        joining_form=JoiningForm(formdata=None, open="0" if cohort.is_join_open else "1"),
        instructor_form=InstructorForm(formdata=None),
        delete_form=DeleteCohortForm(formdata=None),
    )


def _learner_page(cohort: Any, modules: list[Any]) -> str:
    facts = progress.load_facts(db.session, current_user.id, [m.id for m in modules])
    table = cohorts.attendance_table(db.session, cohort)
    current = live.current(db.session, cohort.id)
    return render_template(
        "cohorts/learner.html",
        cohort=cohort,
        modules=[progress.module_progress(m, facts) for m in modules],
        instructors=cohorts.instructors(db.session, cohort.id),
        table=table,
        share=table.share(current_user.id),
        live_open=current is not None and current.status == live.OPEN,
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def edit(cohort_id: int) -> str | Response:
    cohort = managed_cohort_or_404(cohort_id)
    keep = cohort.timezone  # on offer even if an old name no longer listed (Asia/Saigon)
    if request.method == "POST":
        form = cohort_form(catalogue(), keep, timezone=keep)  # a post without the field keeps the zone
    else:
        settings = cohorts.CohortSettings.of(cohort)
        form = cohort_form(catalogue(), keep, obj=settings, path_id=settings.path_id or "")
    if form.validate_on_submit():
        try:
            changed = cohorts.update_cohort(db.session, current_user, cohort, _settings(form))
        except cohorts.NonexistentLocalTime as refused:
            form.timezone.errors.append(
                _(
                    "The meeting “%(title)s” is on %(day)s at %(time)s, a time the clocks skip that day "
                    "in %(zone)s. Move the meeting first, or choose another time zone.",
                    title=refused.meeting.title if refused.meeting else "",
                    day=format_date(refused.local.date(), "long"),
                    time=format_time(refused.local.time(), "short", rebase=False),
                    zone=refused.zone,
                )
            )
        else:
            flash(_("The cohort is saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=cohort)


@bp.post("/cohorts/<int:cohort_id>/delete")
@login_required
def delete(cohort_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    form = DeleteCohortForm()
    if not form.validate_on_submit():
        flash(_("The cohort was not deleted: tick the box to confirm."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    title = cohort.title
    cohorts.delete_cohort(db.session, current_user, cohort)
    flash(_("The cohort %(title)s is deleted.", title=title), "success")
    return redirect(url_for("cohorts.index"))


def _csrf_checked(form: Any) -> None:
    if not form.validate_on_submit():
        abort(400)


@bp.post("/cohorts/<int:cohort_id>/code")
@login_required
def regenerate_code(cohort_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    _csrf_checked(ActionForm())
    code = cohorts.regenerate_join_code(db.session, current_user, cohort)
    flash(
        _(
            "The new join code is %(code)s. The old code and link no longer work.",
            code=cohorts.format_code(code),
        ),
        "success",
    )
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/joining")
@login_required
def set_joining(cohort_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    form = JoiningForm()
    _csrf_checked(form)
    is_open = form.open.data == "1"
    cohorts.set_join_open(db.session, current_user, cohort, is_open)
    if is_open:
        flash(_("Learners can join with the code again."), "success")
    else:
        flash(_("Joining is closed: the code and link are refused until you open them again."), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


INSTRUCTOR_REFUSALS = {
    "unknown": lambda: _("No active account has this email. Ask the person to register first."),
    "not_instructor": lambda: _("This account is not an instructor. An administrator can change its role."),
    "already": lambda: _("This person already runs the cohort."),
    "enrolled": lambda: _("This person is a learner in the cohort. Remove them from the roster first."),
    "last": lambda: _("A cohort needs at least one instructor."),
}


@bp.post("/cohorts/<int:cohort_id>/instructors")
@login_required
def add_instructor(cohort_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    form = InstructorForm()
    if not form.validate_on_submit():
        flash(_("Give the email of the co-instructor's account."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    try:
        user = cohorts.add_instructor(db.session, current_user, cohort, form.email.data)
    except cohorts.InstructorRefused as refused:
        flash(INSTRUCTOR_REFUSALS[refused.reason](), "error")
    else:
        flash(_("%(name)s now runs this cohort with you.", name=user.full_name), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/instructors/<int:user_id>/remove")
@login_required
def remove_instructor(cohort_id: int, user_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    _csrf_checked(ActionForm())
    try:
        cohorts.remove_instructor(db.session, current_user, cohort, user_id)
    except cohorts.InstructorRefused as refused:
        if refused.reason == "unknown":
            abort(404)
        flash(INSTRUCTOR_REFUSALS[refused.reason](), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    flash(_("The instructor was removed from the cohort."), "success")
    if user_id == current_user.id and not current_user.is_admin:
        return redirect(url_for("cohorts.index"))
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


# --- joining ----------------------------------------------------------------------------

JOIN_REFUSALS = {
    cohorts.JoinOutcome.UNKNOWN: lambda: _(
        "This code does not match any cohort. Check it with your instructor: a code has ten characters."
    ),
    cohorts.JoinOutcome.CLOSED: lambda: _("This cohort is not taking new learners now. Ask your instructor."),
    cohorts.JoinOutcome.FULL: lambda: _("This cohort is full. Ask your instructor."),
    cohorts.JoinOutcome.INSTRUCTOR: lambda: _("You run this cohort, so you cannot join it as a learner."),
}


@bp.route("/cohorts/join", methods=["GET", "POST"])
@login_required
def join() -> tuple[str, int] | Response:
    form = JoinForm()
    status = 200
    if form.validate_on_submit():
        source = "link" if form.via.data == "link" else "code"
        result = cohorts.join(db.session, current_user, form.code.data, request.remote_addr or "", source)
        outcome, cohort = result.outcome, result.cohort
        if outcome is cohorts.JoinOutcome.JOINED and cohort is not None:
            flash(_("Welcome to %(title)s.", title=cohort.title), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
        if outcome is cohorts.JoinOutcome.ALREADY and cohort is not None:
            flash(_("You are already in %(title)s.", title=cohort.title), "info")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
        if outcome is cohorts.JoinOutcome.THROTTLED:
            flash(_("Too many wrong codes. Wait 15 minutes, then try again."), "error")
            status = 429
        else:
            # 200, not 4xx: the failed attempt must be committed for the throttle to count it.
            form.code.errors.append(JOIN_REFUSALS[outcome]())
    elif request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    return render_template("cohorts/join.html", form=form), status


@bp.get("/cohorts/join/<code>")
@login_required
def join_link(code: str) -> str:
    """The join link: the join form, filled in. Joining itself is the POST, under the throttle."""
    form = JoinForm(formdata=None, code=cohorts.format_code(cohorts.normalise_code(code)), via="link")
    return render_template("cohorts/join.html", form=form, from_link=True)


# --- the set-password link of accounts created from a roster ------------------------------


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> tuple[str, int, dict[str, str]] | Response:
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    user = password_links.account_for(db.session, token)
    if user is None:
        return render_template("cohorts/link_invalid.html"), 404, headers
    if current_user.is_authenticated and current_user.id != user.id:
        return render_template("cohorts/set_password.html", form=None, user=user, other=True), 200, headers
    form = SetPasswordForm(full_name=user.full_name, email=user.email)
    if form.validate_on_submit():
        done = password_links.use(db.session, token, form.password.data)
        if done is None:
            return render_template("cohorts/link_invalid.html"), 404, headers
        done.full_name = normalise_name(form.full_name.data)
        done.last_login_at = utcnow()
        session.clear()
        login_user(done)
        flash(_("Your password is set. Welcome, %(name)s.", name=done.full_name), "success")
        joined = cohorts.learner_cohorts(db.session, done.id)
        if joined:
            return redirect(url_for("cohorts.show", cohort_id=joined[0].id))
        return redirect(url_for("learn.dashboard"))
    return render_template("cohorts/set_password.html", form=form, user=user, other=False), 200, headers


from webapp.cohorts import views_live, views_meetings, views_progress, views_roster  # noqa: E402,F401
