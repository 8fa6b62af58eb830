"""The roster: who is in the cohort, adding learners in bulk with a preview, set-password links."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import cohorts
from course.accounts import password_links
from course.cohorts import bulk_enrol, roster
from webapp.cohorts.access import learner_or_404, managed_cohort_or_404
from webapp.cohorts.forms import ActionForm, RosterConfirmForm, RosterForm
from webapp.cohorts.views import bp
from webapp.extensions import db


def _roster_page(cohort: Any, form: RosterForm) -> str:
    people = cohorts.learners(db.session, cohort.id)
    return render_template(
        "cohorts/roster.html",
        cohort=cohort,
        people=people,
        pending=password_links.pending_accounts(db.session, [user.id for user, _e in people]),
        places_left=cohorts.places_left(db.session, cohort),
        form=form,
        action_form=ActionForm(),
    )


@bp.get("/cohorts/<int:cohort_id>/roster")
@login_required
def roster_page(cohort_id: int) -> str:
    cohort = managed_cohort_or_404(cohort_id)
    return _roster_page(cohort, RosterForm(formdata=None))


def _preview(
    cohort: Any, plan: bulk_enrol.ImportPlan, parsed: roster.Parsed, status: int = 200
) -> tuple[str, int]:
    confirm = RosterConfirmForm(formdata=None, rows=roster.to_json(parsed.rows)) if plan.ok else None
    return render_template("cohorts/roster_preview.html", cohort=cohort, plan=plan, confirm=confirm), status


@bp.post("/cohorts/<int:cohort_id>/roster/preview")
@login_required
def roster_preview(cohort_id: int) -> str | tuple[str, int]:
    cohort = managed_cohort_or_404(cohort_id)
    form = RosterForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _roster_page(cohort, form)
    if form.roster.data:
        parsed = roster.parse_csv(form.roster.data.read())
    else:
        parsed = roster.parse_email_list(form.emails.data)
    return _preview(cohort, bulk_enrol.plan(db.session, cohort, parsed), parsed)


@bp.post("/cohorts/<int:cohort_id>/roster/import")
@login_required
def roster_import(cohort_id: int) -> str | tuple[str, int]:
    cohort = managed_cohort_or_404(cohort_id)
    form = RosterConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    parsed = roster.from_json(form.rows.data)
    if parsed is None:
        abort(400)
    try:
        result = bulk_enrol.apply(db.session, current_user, cohort, parsed)
    except bulk_enrol.ImportRefused as refused:
        # 409: the request rolls back, so nothing of this import is written.
        flash(
            _("Nothing was imported: the cohort changed since the preview. Here is the new preview."), "error"
        )
        return _preview(cohort, refused.plan, parsed, 409)
    links = [
        (user, url_for("cohorts.set_password", token=token, _external=True)) for user, token in result.created
    ]
    return render_template("cohorts/roster_done.html", cohort=cohort, result=result, links=links)


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/remove")
@login_required
def remove_learner(cohort_id: int, user_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    user = learner_or_404(cohort, user_id)
    cohorts.remove_learner(db.session, current_user, cohort, user.id)
    flash(
        _(
            "%(name)s is no longer in this cohort. Their own progress is kept.",
            name=user.full_name or user.email,
        ),
        "success",
    )
    return redirect(url_for("cohorts.roster_page", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/link")
@login_required
def new_link(cohort_id: int, user_id: int) -> str | Response:
    cohort = managed_cohort_or_404(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    user = learner_or_404(cohort, user_id)
    token = bulk_enrol.new_link(db.session, current_user, cohort, user)
    if token is None:
        flash(_("This learner has already set a password. They can log in as usual."), "error")
        return redirect(url_for("cohorts.roster_page", cohort_id=cohort.id))
    link = url_for("cohorts.set_password", token=token, _external=True)
    return render_template("cohorts/roster_link.html", cohort=cohort, user=user, link=link)
