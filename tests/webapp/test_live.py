"""The live quiz in the room: one question, several learners on their own devices, two app workers."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from course.models import LiveAnswer, LiveQuestion, Role
from tests.webapp.test_cohorts import MODULES, create_cohort, join, join_code, submit, user_client


def live_page(cohort_id: int) -> str:
    return f"/cohorts/{cohort_id}/live"


def open_question(browser: Any, cohort_id: int, module_id: str, kind: str, app: Any) -> Any:
    """Open the first question of this type in the module, the way the instructor picks it."""
    module = app.extensions["catalogue"].module(module_id)
    question = next(q for q in module.questions if q.type == kind)
    page = browser.get(live_page(cohort_id)).get_data(as_text=True)
    assert f'value="{module_id}/{question.id}"' in page
    response = submit(
        browser, live_page(cohort_id), f"{live_page(cohort_id)}/open", question=f"{module_id}/{question.id}"
    )
    assert response.status_code == 302
    return question


def answer(browser: Any, cohort_id: int, choice: list[str]) -> Any:
    page = browser.get(live_page(cohort_id)).get_data(as_text=True)
    live_id = re.search(r"/live/(\d+)/answer", page).group(1)
    return submit(browser, live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/answer", answer=choice)


def room(app: Any, make_user: Any, learners: int) -> tuple[Any, int, list[Any]]:
    trainer, _user = user_client(app, make_user, Role.INSTRUCTOR)
    cohort_id = create_cohort(trainer)
    code = join_code(trainer, cohort_id)
    browsers = []
    for index in range(learners):
        browser, _u = user_client(app, make_user, full_name=f"Learner {index + 1}")
        assert join(browser, code).status_code == 302
        browsers.append(browser)
    return trainer, cohort_id, browsers


def test_a_live_question_round_with_several_learners(app: Any, session: Any, make_user: Any) -> None:
    trainer, cohort_id, learners = room(app, make_user, 4)
    waiting = learners[0].get(live_page(cohort_id)).get_data(as_text=True)
    assert "No question yet" in waiting and 'data-live-key="none"' in waiting

    question = open_question(trainer, cohort_id, MODULES[0], "single", app)
    right = sorted(question.correct_ids)
    wrong = [o.id for o in question.options if not o.is_correct]
    screen = trainer.get(live_page(cohort_id)).get_data(as_text=True)
    assert question.prompt in screen and "Open: learners are answering" in screen
    assert "<strong data-live-count>0</strong> / 4" in screen

    # what a learner's device receives while the question is open says nothing of the answer
    device = learners[0].get(live_page(cohort_id)).get_data(as_text=True)
    assert question.prompt in device and all(o.text in device for o in question.options)
    assert question.explanation_html not in device and "✓" not in device and "correct" not in device.lower()
    state = learners[0].get(f"{live_page(cohort_id)}/state").get_json()
    assert set(state) == {"key"} and state["key"].endswith("-open")

    for browser, choice in zip(learners[:3], (right, right, [wrong[0]]), strict=True):
        response = answer(browser, cohort_id, choice)
        assert response.status_code == 302
        assert "Your answer is in" in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert trainer.get(f"{live_page(cohort_id)}/state").get_json()["answers"] == 3

    # a learner answers once: a second post (another tab) does not change the first answer
    live_id = int(
        re.search(r"/live/(\d+)/close", trainer.get(live_page(cohort_id)).get_data(as_text=True)).group(1)
    )
    again = submit(
        learners[2], live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/answer", answer=right
    )
    assert "Your first answer counts" in learners[2].get(again.headers["Location"]).get_data(as_text=True)

    # closed: a late answer is refused; devices say so
    assert submit(trainer, live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/close").status_code == 302
    late = submit(learners[3], live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/answer", answer=right)
    assert "Too late: this question is closed." in learners[3].get(late.headers["Location"]).get_data(
        as_text=True
    )
    assert "you did not answer this one" in learners[3].get(live_page(cohort_id)).get_data(as_text=True)
    assert question.explanation_html not in learners[0].get(live_page(cohort_id)).get_data(as_text=True)

    # revealed: the distribution, the right answer and its explanation, on every screen
    submit(trainer, live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/reveal")
    screen = trainer.get(live_page(cohort_id)).get_data(as_text=True)
    assert "3 answers · 66.7% right" in screen and question.explanation_html in screen
    counts = dict(re.findall(r'aria-label="([^"]+)">(\d+)</progress>', screen))
    correct_text = question.option(right[0]).text
    assert counts[correct_text] == "2" and counts[question.option(wrong[0]).text] == "1"
    assert f"✓ {correct_text}" in screen
    assert "You were right." in learners[0].get(live_page(cohort_id)).get_data(as_text=True)
    assert "Not quite." in learners[2].get(live_page(cohort_id)).get_data(as_text=True)
    session.rollback()
    stored = {a.user_id: (a.option_ids, a.is_correct) for a in session.scalars(select(LiveAnswer))}
    assert sorted(correct for _ids, correct in stored.values()) == [False, True, True]

    # the next question closes the last one and changes what the polling script sees
    before = learners[0].get(f"{live_page(cohort_id)}/state").get_json()["key"]
    open_question(trainer, cohort_id, MODULES[0], "true_false", app)
    assert learners[0].get(f"{live_page(cohort_id)}/state").get_json()["key"] != before
    session.rollback()
    statuses = list(session.scalars(select(LiveQuestion.status).order_by(LiveQuestion.id)))
    assert statuses == ["revealed", "open"]
    history = trainer.get(live_page(cohort_id)).get_data(as_text=True)
    assert "Questions asked" in history and "66.7%" in history


def test_state_lives_in_the_database_so_two_workers_share_it(app: Any, make_user: Any) -> None:
    from webapp import create_app

    other_worker = create_app(dict(app.config))
    trainer, cohort_id, learners = room(app, make_user, 1)
    question = open_question(trainer, cohort_id, MODULES[0], "single", app)
    device = other_worker.test_client()
    device.set_cookie("session", learners[0].get_cookie("session").value)
    assert question.prompt in device.get(live_page(cohort_id)).get_data(as_text=True)
    assert answer(device, cohort_id, sorted(question.correct_ids)).status_code == 302
    assert trainer.get(f"{live_page(cohort_id)}/state").get_json()["answers"] == 1
    other_worker.extensions["db"][0].dispose()


def test_forged_answers_and_wrong_people_are_refused(app: Any, session: Any, make_user: Any) -> None:
    trainer, cohort_id, learners = room(app, make_user, 1)
    question = open_question(trainer, cohort_id, MODULES[0], "single", app)
    response = answer(learners[0], cohort_id, ["not-an-option"])
    assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    response = answer(
        learners[0], cohort_id, sorted(o.id for o in question.options)[:2]
    )  # two for a one-answer question
    assert response.status_code == 400
    empty = answer(learners[0], cohort_id, [])
    assert "Choose an answer first." in learners[0].get(empty.headers["Location"]).get_data(as_text=True)
    live_id = session.scalar(select(LiveQuestion.id))
    assert (
        submit(
            trainer, live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/answer", answer=["a"]
        ).status_code
        == 403
    )
    assert (
        submit(learners[0], live_page(cohort_id), f"{live_page(cohort_id)}/{live_id}/reveal").status_code
        == 403
    )
    assert (
        submit(learners[0], live_page(cohort_id), f"{live_page(cohort_id)}/open", question="x").status_code
        == 403
    )
    outsider, _u = user_client(app, make_user)
    assert (
        submit(outsider, "/cohorts", f"{live_page(cohort_id)}/{live_id}/answer", answer=["a"]).status_code
        == 404
    )
    unknown = submit(
        trainer, live_page(cohort_id), f"{live_page(cohort_id)}/open", question="no-such/question"
    )
    assert "Choose a question from the list." in trainer.get(unknown.headers["Location"]).get_data(
        as_text=True
    )
    session.rollback()
    assert session.scalar(select(LiveAnswer.user_id)) is None
    assert session.scalar(select(LiveQuestion.status)) == "open"


def test_live_pages_load_the_polling_script_and_work_without_it(app: Any, make_user: Any) -> None:
    trainer, cohort_id, learners = room(app, make_user, 1)
    for browser in (trainer, learners[0]):
        html = browser.get(live_page(cohort_id)).get_data(as_text=True)
        assert '<script src="/static/cohorts.js?v=' in html and "<script>" not in html
        assert f'href="{live_page(cohort_id)}">Reload</a>' in html
    with app.test_client().get("/static/cohorts.js") as response:
        script = response.get_data(as_text=True)
    assert "data-live-state" in script and "location.reload" in script
