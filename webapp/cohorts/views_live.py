"""The live quiz in the room: the instructor's screen (projector) and the learners' answer page.

Both pages work without JavaScript (reload to see the next step); with it,
static/cohort-live.js polls the small state endpoint and reloads the page when
the question or its state changes, and updates the answer count on the
instructor's screen.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import cohorts
from course.cohorts import live
from webapp import catalogue
from webapp.cohorts.access import (
    live_question_or_404,
    managed_cohort_or_404,
    member_cohort_or_404,
    modules_of,
)
from webapp.cohorts.forms import ActionForm, LiveOpenForm, live_answer_form
from webapp.cohorts.views import bp
from webapp.extensions import db

PROMPT_CHARS = 110


def _short(text: str) -> str:
    return text if len(text) <= PROMPT_CHARS else text[: PROMPT_CHARS - 1] + "…"


def _open_form(cohort: Any, formdata: bool) -> LiveOpenForm:
    form = LiveOpenForm() if formdata else LiveOpenForm(formdata=None)
    choices: dict[str, list[tuple[str, str]]] = {}
    for module in modules_of(cohort):
        choices[module.title] = [(f"{module.id}/{q.id}", _short(q.prompt)) for q in module.questions]
        if module.case is not None:
            group = _("%(module)s — case: %(case)s", module=module.title, case=module.case.title)
            choices[group] = [
                (
                    f"{module.id}/{step.live_id}",
                    _("Step %(n)s: %(question)s", n=step.position, question=_short(step.question)),
                )
                for step in module.case.steps
            ]
    form.question.choices = choices
    return form


@bp.get("/cohorts/<int:cohort_id>/live")
@login_required
def live_page(cohort_id: int) -> str:
    cohort, manages = member_cohort_or_404(cohort_id)
    current = live.current(db.session, cohort.id)
    item = live.shown(catalogue(), current) if current is not None else None
    common = {"cohort": cohort, "current": current, "item": item, "key": live.key(current)}
    if manages:
        return render_template(
            "cohorts/live_instructor.html",
            **common,
            results=live.results(db.session, item) if item is not None else None,
            learners=cohorts.learner_count(db.session, cohort.id),
            form=_open_form(cohort, formdata=False),
            action_form=ActionForm(),
            past=live.history(db.session, cohort.id, limit=20),
        )
    own = live.own_answer(db.session, current.id, current_user.id) if current is not None else None
    can_answer = item is not None and current is not None and current.status == live.OPEN and own is None
    revealed = item is not None and current is not None and current.status == live.REVEALED
    return render_template(
        "cohorts/live_learner.html",
        **common,
        own=set(own.option_ids) if own is not None else set(),
        answered=own is not None,
        right=own is not None and own.is_correct,
        form=live_answer_form(item.question, item.options) if can_answer and item is not None else None,
        results=live.results(db.session, item) if revealed and item is not None else None,
    )


@bp.get("/cohorts/<int:cohort_id>/live/state")
@login_required
def live_state(cohort_id: int) -> Response:
    cohort, manages = member_cohort_or_404(cohort_id)
    state = live.state(db.session, cohort.id)
    if not manages:
        state = {"key": state["key"]}
    return jsonify(state)


@bp.post("/cohorts/<int:cohort_id>/live/open")
@login_required
def live_open(cohort_id: int) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    form = _open_form(cohort, formdata=True)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Choose a question from the list."), "error")
        return redirect(url_for("cohorts.live_page", cohort_id=cohort.id))
    module_id, _sep, question_id = form.question.data.partition("/")
    module = next(m for m in modules_of(cohort) if m.id == module_id)
    live.open_question(db.session, current_user, cohort, module, question_id)
    return redirect(url_for("cohorts.live_page", cohort_id=cohort.id))


def _move(cohort_id: int, live_id: int, reveal: bool) -> Response:
    cohort = managed_cohort_or_404(cohort_id)
    current = live_question_or_404(cohort, live_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    (live.reveal if reveal else live.close)(db.session, current)
    return redirect(url_for("cohorts.live_page", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/live/<int:live_id>/close")
@login_required
def live_close(cohort_id: int, live_id: int) -> Response:
    return _move(cohort_id, live_id, reveal=False)


@bp.post("/cohorts/<int:cohort_id>/live/<int:live_id>/reveal")
@login_required
def live_reveal(cohort_id: int, live_id: int) -> Response:
    return _move(cohort_id, live_id, reveal=True)


ANSWER_MESSAGES = {
    live.AnswerOutcome.RECORDED: (
        lambda: _("Your answer is in. Wait for your instructor to show the results."),
        "success",
    ),
    live.AnswerOutcome.ALREADY: (
        lambda: _("You had already answered this question. Your first answer counts."),
        "info",
    ),
    live.AnswerOutcome.CLOSED: (lambda: _("Too late: this question is closed."), "error"),
}


@bp.post("/cohorts/<int:cohort_id>/live/<int:live_id>/answer")
@login_required
def live_answer(cohort_id: int, live_id: int) -> Response | tuple[str, int]:
    cohort, manages = member_cohort_or_404(cohort_id)
    if manages:
        abort(403)  # instructors run the question; only learners answer
    current = live_question_or_404(cohort, live_id)
    item = live.shown(catalogue(), current)
    if item is None:
        abort(404)
    form = live_answer_form(item.question, item.options)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        if request.form.getlist("answer"):  # options the question never showed
            return render_template("cohorts/live_refused.html", cohort=cohort), 400
        flash(_("Choose an answer first."), "error")
        return redirect(url_for("cohorts.live_page", cohort_id=cohort.id))
    data = form.answer.data
    chosen = list(data) if isinstance(data, list) else [data]
    sent = request.form.getlist("answer")
    outcome = live.AnswerOutcome.INVALID
    if sorted(sent) == sorted(chosen):  # e.g. two values for a one-answer question: refused, not cut down
        outcome = live.answer(db.session, item, current_user.id, chosen)
    if outcome is live.AnswerOutcome.INVALID:
        return render_template("cohorts/live_refused.html", cohort=cohort), 400
    message, category = ANSWER_MESSAGES[outcome]
    flash(message(), category)
    return redirect(url_for("cohorts.live_page", cohort_id=cohort.id))
