"""Meetings of a cohort and attendance, marked per learner per meeting (made for a phone)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import cohorts
from course.models import AttendanceStatus
from webapp.cohorts.access import managed_cohort_or_404, meeting_or_404
from webapp.cohorts.forms import ActionForm, MeetingForm, attendance_form
from webapp.cohorts.views import bp
from webapp.extensions import db


def _details(form: MeetingForm) -> cohorts.MeetingDetails:
    assert form.starts_at is not None  # set by a valid form: the typed local time as an instant
    return cohorts.MeetingDetails(
        title=form.title.data,
        starts_at=form.starts_at,
        duration_minutes=form.duration_minutes.data,
        agenda=form.agenda.data or "",
    )


@bp.route("/cohorts/<int:cohort_id>/meetings", methods=["GET", "POST"])
@login_required
def meetings(cohort_id: int) -> str | Response:
    cohort = managed_cohort_or_404(cohort_id)
    form = MeetingForm(cohort.timezone)
    if form.validate_on_submit():
        meeting = cohorts.add_meeting(db.session, current_user, cohort, _details(form))
        flash(_("Meeting added: %(title)s.", title=meeting.title), "success")
        return redirect(url_for("cohorts.meetings", cohort_id=cohort.id))
    if request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    return render_template(
        "cohorts/meetings.html",
        cohort=cohort,
        table=cohorts.attendance_table(db.session, cohort),
        form=form,
        action_form=ActionForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(cohort_id: int, meeting_id: int) -> str | Response:
    cohort = managed_cohort_or_404(cohort_id)
    meeting = meeting_or_404(cohort, meeting_id)
    if request.method == "POST":
        form = MeetingForm(cohort.timezone)
    else:
        local = cohorts.local_time(cohort.timezone, meeting.starts_at)
        form = MeetingForm(cohort.timezone, obj=meeting, day=local.date(), time=local.time())
    if form.validate_on_submit():
        cohorts.update_meeting(db.session, current_user, meeting, _details(form))
        flash(_("Meeting saved: %(title)s.", title=meeting.title), "success")
        return redirect(url_for("cohorts.meetings", cohort_id=cohort.id))
    return render_template("cohorts/meeting_edit.html", cohort=cohort, meeting=meeting, form=form)


@bp.post("/cohorts/<int:cohort_id>/meetings/<int:meeting_id>/delete")
@login_required
def delete_meeting(cohort_id: int, meeting_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    meeting = meeting_or_404(cohort, meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    cohorts.delete_meeting(db.session, current_user, meeting)
    flash(_("The meeting and its attendance are deleted."), "success")
    return redirect(url_for("cohorts.meetings", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(cohort_id: int, meeting_id: int) -> str | Response:
    cohort = managed_cohort_or_404(cohort_id)
    meeting = meeting_or_404(cohort, meeting_id)
    people = [user for user, _enrolment in cohorts.learners(db.session, cohort.id)]
    marks = cohorts.attendance_marks(db.session, meeting.id)
    form = attendance_form([u.id for u in people], marks)
    if form.validate_on_submit():
        chosen: dict[int, AttendanceStatus] = {}
        for user in people:
            value = form[f"u{user.id}"].data
            if value:
                chosen[user.id] = AttendanceStatus(value)
            elif form.rest_present.data:
                chosen[user.id] = AttendanceStatus.PRESENT
        changed = cohorts.mark_attendance(db.session, current_user, meeting, chosen)
        flash(
            ngettext("Attendance saved (%(num)s change).", "Attendance saved (%(num)s changes).", changed),
            "success",
        )
        return redirect(url_for("cohorts.attendance", cohort_id=cohort.id, meeting_id=meeting.id))
    if request.method == "POST" and "csrf_token" in form.errors:
        abort(400)
    counts = {status: sum(1 for s in marks.values() if s == status) for status in AttendanceStatus}
    return render_template(
        "cohorts/attendance.html", cohort=cohort, meeting=meeting, people=people, form=form, counts=counts
    )
