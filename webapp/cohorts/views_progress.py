"""What the cohort has done: progress grid, one learner's record, question analysis, exports, report."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from course import cohorts
from course.cohorts import exports as cohort_exports
from course.cohorts import live
from course.cohorts import progress as cohort_progress
from course.content import stats
from course.learning import progress
from course.models import utcnow
from webapp import catalogue
from webapp.cohorts.access import learner_or_404, managed_cohort_or_404, modules_of
from webapp.cohorts.views import bp
from webapp.extensions import db

GRID_PAGE = 100  # learners per page: a 500-learner grid stays light on a slow connection


@bp.get("/cohorts/<int:cohort_id>/progress")
@login_required
def progress_grid(cohort_id: int) -> str:
    cohort = managed_cohort_or_404(cohort_id)
    modules = modules_of(cohort)
    sort = request.args.get("sort", "name")[:100]
    descending = request.args.get("dir") == "desc"
    grid = cohort_progress.sort_rows(
        cohort_progress.progress_grid(db.session, cohort, modules), sort, descending
    )
    pages = max(1, -(-len(grid.rows) // GRID_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return render_template(
        "cohorts/grid.html",
        cohort=cohort,
        grid=grid,
        rows=grid.rows[(page - 1) * GRID_PAGE : page * GRID_PAGE],
        sort=sort,
        descending=descending,
        page=page,
        pages=pages,
    )


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@login_required
def learner(cohort_id: int, user_id: int) -> str:
    cohort = managed_cohort_or_404(cohort_id)
    user = learner_or_404(cohort, user_id)
    modules = modules_of(cohort)
    facts = progress.load_facts(db.session, user.id, [m.id for m in modules])
    table = cohorts.attendance_table(db.session, cohort)
    return render_template(
        "cohorts/learner_detail.html",
        cohort=cohort,
        user=user,
        states=[progress.module_progress(m, facts) for m in modules],
        records=cohort_progress.learner_attempts(db.session, user.id, modules),
        table=table,
        share=table.share(user.id),
        meets=cohorts.meets_min_attendance(table, cohort, user.id),
        live_record=cohort_progress.learner_live_record(db.session, cohort.id, user.id),
    )


@bp.get("/cohorts/<int:cohort_id>/questions")
@login_required
def questions(cohort_id: int) -> str:
    cohort = managed_cohort_or_404(cohort_id)
    modules = modules_of(cohort)
    chosen = request.args.get("module", "")
    selected = [m for m in modules if m.id == chosen] or modules
    return render_template(
        "cohorts/questions.html",
        cohort=cohort,
        modules=modules,
        chosen=chosen if len(selected) == 1 and selected[0].id == chosen else "",
        stats=cohort_progress.question_analysis(db.session, cohort, selected),
    )


@bp.get("/cohorts/<int:cohort_id>/provisions")
@login_required
def provisions(cohort_id: int) -> str:
    """Each article the cohort's modules teach or ask, with how well the cohort answered it."""
    cohort = managed_cohort_or_404(cohort_id)
    modules = modules_of(cohort)
    mastery = cohort_progress.provision_mastery(
        cohort_progress.question_analysis(db.session, cohort, modules)
    )
    rows = [p for p in stats.provisions(catalogue(), modules) if p.lessons or p.questions]
    rows.sort(key=lambda p: provision_order(mastery.get(p.article.number)))
    return render_template("cohorts/provisions.html", cohort=cohort, rows=rows, mastery=mastery)


def provision_order(found: cohort_progress.ProvisionMastery | None) -> tuple[int, float]:
    """Least mastered first, then what nobody has answered yet."""
    return (0, found.share_correct or 0.0) if found and found.answers else (1, 0.0)


def export_labels(zone: str) -> dict[str, str]:
    """Column titles and status words of the CSV exports, in the user's language.

    Times are written in the cohort's zone (with their offset), so their titles name it.
    """
    return {
        "name": _("Name"),
        "email": _("Email"),
        "organisation": _("Organisation"),
        "country": _("Country"),
        # TRANSLATORS: a CSV column title; zone is the cohort's time zone (Africa/Nairobi)
        "enrolled_at": _("Enrolled (%(zone)s)", zone=zone),
        "source": _("Added by"),
        "source_code": _("join code"),
        "source_link": _("join link"),
        "source_roster": _("roster import"),
        "source_instructor": _("instructor"),
        "status": _("status"),
        "best_score": _("best score %"),
        "modules_completed": _("Modules completed"),
        "percent": _("Progress %"),
        "average_best": _("Average best score %"),
        "status_completed": _("completed"),
        "status_in_progress": _("in progress"),
        "status_not_started": _("not started"),
        "attendance_share": _("Attendance %"),
        "attendance_present": _("present"),
        "attendance_absent": _("absent"),
        "attendance_excused": _("excused"),
        "module": _("Module"),
        # TRANSLATORS: a CSV column title; zone is the cohort's time zone (Africa/Nairobi)
        "submitted_at": _("Submitted (%(zone)s)", zone=zone),
        "score": _("Score %"),
        "pass_mark": _("Pass mark %"),
        "passed": _("Passed"),
        "yes": _("yes"),
        "no": _("no"),
    }


@bp.get("/cohorts/<int:cohort_id>/export/<kind>.csv")
@login_required
def export(cohort_id: int, kind: str) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    labels = export_labels(cohort.timezone)
    if kind == "roster":
        table = cohort_exports.roster(db.session, cohort, labels)
    elif kind == "progress":
        table = cohort_exports.progress(db.session, cohort, modules_of(cohort), labels)
    elif kind == "attendance":
        table = cohort_exports.attendance(db.session, cohort, labels)
    elif kind == "scores":
        table = cohort_exports.scores(db.session, cohort, modules_of(cohort), labels)
    else:
        abort(404)
    safe = request.args.get("safe") == "1"
    name = f"cohort-{cohort.id}-{kind}{'-spreadsheet' if safe else ''}.csv"
    return Response(
        cohort_exports.to_csv(table, safe),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/cohorts/<int:cohort_id>/report")
@login_required
def report(cohort_id: int) -> str:
    cohort = managed_cohort_or_404(cohort_id)
    modules = modules_of(cohort)
    grid = cohort_progress.progress_grid(db.session, cohort, modules)
    table = cohorts.attendance_table(db.session, cohort)
    analysis = cohort_progress.question_analysis(db.session, cohort, modules)
    return render_template(
        "cohorts/report.html",
        cohort=cohort,
        instructors=cohorts.instructors(db.session, cohort.id),
        grid=grid,
        table=table,
        hardest=[s for s in analysis if s.learners][:10],
        past=live.history(db.session, cohort.id),
        now=utcnow(),
    )
