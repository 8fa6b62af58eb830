"""A module's case exercise: the case page, starting (again), and the choice at each step.

The page shows the setting, every step answered so far with the feedback on the
choice taken (and on the best one), then the current step as a form. Which
choice is best is written into the page only for steps already answered. Each
POST records one thing and redirects back to the page (post/redirect/get).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course.content import Module
from course.learning import cases
from webapp.cases.forms import ChoiceForm, StartCaseForm
from webapp.extensions import db
from webapp.learn.views import get_module_or_404

bp = Blueprint("cases", __name__, template_folder="templates")


def get_case_module_or_404(module_id: str) -> Module:
    module = get_module_or_404(module_id)
    if module.case is None:
        abort(404)
    return module


@bp.get("/modules/<module_id>/case")
@login_required
def case(module_id: str) -> str:
    module = get_case_module_or_404(module_id)
    exercise = module.case
    assert exercise is not None
    attempt = cases.open_attempt(db.session, current_user.id, module.id)
    outdated = attempt is not None and not cases.is_current(attempt, module)
    if outdated:
        attempt = None  # starting again replaces it
    history = cases.history(db.session, current_user.id, module.id)  # finished attempts, newest first
    finished = history[0] if attempt is None and history else None
    shown = attempt or finished
    answered = (
        cases.answered_steps(exercise, shown) if shown is not None and cases.is_current(shown, module) else []
    )
    step = cases.next_step(exercise, attempt.answers or {}) if attempt is not None else None
    return render_template(
        "cases/case.html",
        module=module,
        case=exercise,
        attempt=attempt,
        finished=finished,
        outdated=outdated,
        finished_outdated=finished is not None and not cases.is_current(finished, module),
        answered=answered,
        step=step,
        choices=cases.choice_order(attempt.id, step) if attempt is not None and step is not None else (),
        history=history,
        form=StartCaseForm(),
    )


@bp.post("/modules/<module_id>/case/start")
@login_required
def start(module_id: str) -> Response:
    module = get_case_module_or_404(module_id)
    if not StartCaseForm().validate_on_submit():
        abort(400)
    cases.start(db.session, current_user.id, module)
    return redirect(url_for("cases.case", module_id=module.id, _anchor="current-step"))


@bp.post("/modules/<module_id>/case/steps/<step_id>")
@login_required
def choose(module_id: str, step_id: str) -> Response | tuple[str, int]:
    module = get_case_module_or_404(module_id)
    form = ChoiceForm()
    page = url_for("cases.case", module_id=module.id)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or "attempt" in form.errors:
            abort(400)
        flash(_("Choose one of the options first."), "error")
        return redirect(page + "#current-step")
    attempt = cases.open_attempt(db.session, current_user.id, module.id)
    if attempt is None or attempt.id != form.attempt.data:
        # the form of an attempt already finished or replaced (a second tab, the back button)
        flash(_("This step was already answered. Here is where your case stands."), "info")
        return redirect(page)
    try:
        cases.choose(db.session, attempt, module, step_id, form.choice.data)
    except cases.ChoiceRefused as refused:
        if refused.is_replay:
            flash(_("This step was already answered. Here is where your case stands."), "info")
            return redirect(page)
        if refused.reason is cases.Refusal.OUTDATED:
            flash(_("This case was updated since you started it. Please start again."), "error")
            return redirect(page)
        return render_template("cases/refused.html", module=module), 400
    return redirect(page + f"#step-{step_id}")
