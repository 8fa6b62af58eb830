"""Taking a module's quiz: start an attempt, answer it, see the scored result."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import cohorts
from course.content import Module
from course.learning import attempts, progress, quiz
from course.models import QuizAttempt
from webapp import catalogue
from webapp.extensions import db
from webapp.i18n import utc_when
from webapp.learn.views import get_module_or_404
from webapp.quiz.forms import StartQuizForm, answer_fields, answers_from, build_quiz_form, forged_fields

bp = Blueprint("quiz", __name__, template_folder="templates")


def get_own_attempt_or_404(attempt_id: int) -> QuizAttempt:
    """The attempt, if it belongs to the learner; somebody else's is a 404 (its existence is private)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def pass_mark(module: Module) -> int:
    """The pass mark that applies to this learner: their cohort's, if one overrides the module's."""
    override = cohorts.pass_mark_for(db.session, catalogue(), current_user.id, module.id)
    return override if override is not None else module.quiz.pass_mark


@bp.get("/modules/<module_id>/quiz")
@login_required
def overview(module_id: str) -> str:
    module = get_module_or_404(module_id)
    state = progress.module_progress(module, progress.load_facts(db.session, current_user.id, [module.id]))
    return render_template(
        "quiz/overview.html",
        module=module,
        state=state,
        history=attempts.history(db.session, current_user.id, module.id),
        open_attempt=attempts.open_attempt(db.session, current_user.id, module.id),
        pass_mark=pass_mark(module),
        form=StartQuizForm(),
    )


@bp.post("/modules/<module_id>/quiz")
@login_required
def start(module_id: str) -> Response:
    module = get_module_or_404(module_id)
    if not StartQuizForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempts.start_attempt(db.session, current_user.id, module, pass_mark=pass_mark(module))
    except attempts.AttemptRefused as refused:
        if refused.reason == "wait" and refused.until is not None:
            flash(
                _("You can try this quiz again after %(when)s.", when=utc_when(refused.until, "short")),
                "error",
            )
        else:
            flash(_("You have used all the attempts allowed for this quiz."), "error")
        return redirect(url_for("quiz.overview", module_id=module.id))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/quiz/attempts/<int:attempt_id>", methods=["GET", "POST"])
@db.reads_first  # grading writes through write_phase: other writers wait only for the UPDATE
@login_required
def attempt(attempt_id: int) -> str | Response | tuple[str, int]:
    record = get_own_attempt_or_404(attempt_id)
    module = get_module_or_404(record.module_id)
    if record.is_submitted:
        if request.method == "POST":
            flash(_("This attempt was already submitted. Here is its result."), "info")
            return redirect(url_for("quiz.attempt", attempt_id=record.id))
        return _result(record, module)
    try:
        view = attempts.view(record, module)
    except attempts.AttemptOutdated:
        flash(_("This quiz was updated since you started. Please start a new attempt."), "error")
        return redirect(url_for("quiz.overview", module_id=module.id))
    questions, form = answer_fields(view), None
    if request.method == "POST":  # its CSRF token was checked before the view (CSRFProtect)
        form = build_quiz_form(questions, request.form)
        if forged_fields(form, request.form):
            return render_template("quiz/refused.html", module=module), 400
        if form.validate():
            try:
                attempts.submit(db.session, record, module, answers_from(form, questions))
            except quiz.SubmissionError:
                return render_template("quiz/refused.html", module=module), 400
            return redirect(url_for("quiz.attempt", attempt_id=record.id))
    return render_template("quiz/attempt.html", module=module, questions=questions, form=form)


def _result(record: QuizAttempt, module) -> str:  # type: ignore[no-untyped-def]
    try:
        view = attempts.view(record, module)
    except attempts.AttemptOutdated:
        return render_template("quiz/result.html", module=module, attempt=record, items=[], outdated=True)
    credits = {item["q"]: item["credit"] for item in record.credits or []}
    items = [
        (
            question,
            options,
            set((record.answers or {}).get(question.id, [])),
            credits.get(question.id, 0.0),
        )
        for question, options in view.questions
    ]
    return render_template("quiz/result.html", module=module, attempt=record, items=items)
