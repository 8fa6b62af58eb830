"""The case page with the test client: start, choose at each step, feedback, result, and what is refused."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from course.models import CaseAttempt
from tests.conftest import csrf_token
from tests.course.content.contenttree import write_tree

PAGE = "/modules/mod-1/case"
FEEDBACK = {  # a phrase of each choice's feedback in the test case
    ("first-hours", "a"): "keeps specified data that is at risk of loss",
    ("first-hours", "b"): "by then the logs are gone",
    ("first-hours", "c"): "when preservation does the job",
    ("get-the-data", "a"): "must come through a lawful power",
    ("get-the-data", "b"): "order the provider to hand over the data",
    ("get-the-data", "c"): "for the power to use",
    ("safeguards", "a"): "is an offence, not a safeguard",
    ("safeguards", "b"): "is about the 24/7 network",
    ("safeguards", "c"): "binds every procedural power of Chapter IV",
}


@pytest.fixture
def config(config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The small test course: module 1 has a case, module 2 has none."""
    return {**config, "CONTENT_DIR": str(write_tree(tmp_path / "content", modules=2))}


def page(client: Any) -> str:
    response = client.get(PAGE)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def attempt_field(html: str) -> str:
    match = re.search(r'name="attempt" value="(\d+)"', html)
    assert match, "no step form on the page"
    return match.group(1)


def choose(client: Any, step_id: str, choice_id: str | None, **extra: str) -> Any:
    html = page(client)
    data = {"csrf_token": csrf_token(client, PAGE), "attempt": attempt_field(html), **extra}
    if choice_id is not None:
        data["choice"] = choice_id
    return client.post(f"{PAGE}/steps/{step_id}", data=data)


def start(client: Any) -> None:
    response = client.post(f"{PAGE}/start", data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 302


def stored(session: Any) -> list[CaseAttempt]:
    session.rollback()  # a fresh snapshot: what the requests have committed since
    return list(session.scalars(select(CaseAttempt).order_by(CaseAttempt.id)))


def test_the_case_needs_a_login_and_a_module_with_a_case(client: Any, logged_in: Any) -> None:
    assert client.get(PAGE).status_code == 302
    logged_in()
    assert client.get("/modules/mod-2/case").status_code == 404
    assert client.get("/modules/no-such-module/case").status_code == 404


def test_the_module_page_links_to_its_case_with_its_status(client: Any, logged_in: Any) -> None:
    html = client.get("/modules/mod-1").get_data(as_text=True)
    assert "The logs that might vanish" in html and "Log in to work through the case." in html
    logged_in()
    html = client.get("/modules/mod-1").get_data(as_text=True)
    assert f'href="{PAGE}"' in html and "Not started" in html
    assert "Case exercise" not in client.get("/modules/mod-2").get_data(as_text=True)


def test_playing_the_case_shows_feedback_after_each_choice_and_the_result(
    client: Any, logged_in: Any, session: Any
) -> None:
    logged_in()
    html = page(client)
    assert "A company's server was broken into" in html and "Start the case" in html
    start(client)
    html = page(client)
    assert "What do you do first?" in html and "Step 1 of 3" in html
    assert all(phrase not in html for phrase in FEEDBACK.values())  # no feedback before choosing
    form = html[html.index('id="current-step"') : html.index("</form>", html.index('id="current-step"'))]
    assert "best" not in form.lower()  # nor which choice is best: the inputs differ only by value
    inputs = [line for line in form.splitlines() if 'type="radio"' in line]
    assert len(inputs) == 3
    assert len({re.sub(r'value="\w+"|choice-\d|<span>.*</span>', "", line) for line in inputs}) == 1

    response = choose(client, "first-hours", "b")
    assert response.status_code == 302 and response.location.endswith("#step-first-hours")
    html = page(client)
    assert "Your choice:" in html and FEEDBACK[("first-hours", "b")] in html
    assert "Not the best choice." in html
    assert "The best choice:" in html and FEEDBACK[("first-hours", "a")] in html
    assert FEEDBACK[("first-hours", "c")] not in html
    assert "How do you obtain them?" in html and "Step 2 of 3" in html
    assert all(FEEDBACK[("get-the-data", c)] not in html for c in "abc")  # step 2 not answered yet

    choose(client, "get-the-data", "b")
    html = page(client)
    assert FEEDBACK[("get-the-data", "b")] in html and "The best choice." in html
    choose(client, "safeguards", "c")
    html = page(client)
    assert "Your result: 66.7%" in html and "Passed. The pass mark was 60%." in html
    assert "Start again" in html and 'name="choice"' not in html

    [attempt] = stored(session)
    assert attempt.is_completed and attempt.score == 66.7 and attempt.passed
    assert attempt.answers == {"first-hours": "b", "get-the-data": "b", "safeguards": "c"}

    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Case exercise" in dashboard and "Passed" in dashboard and "66.7" in dashboard
    module_page = client.get("/modules/mod-1").get_data(as_text=True)
    assert "Your best score: 66.7" in module_page

    start(client)  # start again: a fresh attempt at step 1, the result kept in the history
    html = page(client)
    assert "Step 1 of 3" in html and "Your attempts" in html
    assert len(stored(session)) == 2


@pytest.mark.parametrize(
    ("step_id", "choice_id"),
    [("first-hours", "z"), ("get-the-data", "b"), ("no-such-step", "a")],
)
def test_a_forged_choice_is_refused_and_changes_nothing(
    client: Any, logged_in: Any, session: Any, step_id: str, choice_id: str
) -> None:
    logged_in()
    start(client)
    response = choose(client, step_id, choice_id)
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    [attempt] = stored(session)
    assert attempt.answers == {} and attempt.steps_answered == 0


def test_a_replayed_choice_keeps_the_first_answer(client: Any, logged_in: Any, session: Any) -> None:
    logged_in()
    start(client)
    html = page(client)
    token, attempt_id = csrf_token(client, PAGE), attempt_field(html)
    form = {"csrf_token": token, "attempt": attempt_id, "choice": "a"}
    assert client.post(f"{PAGE}/steps/first-hours", data=form).status_code == 302
    again = client.post(f"{PAGE}/steps/first-hours", data={**form, "choice": "c"}, follow_redirects=True)
    assert "This step was already answered" in again.get_data(as_text=True)
    [attempt] = stored(session)
    assert attempt.answers == {"first-hours": "a"}


def test_no_choice_asks_for_one(client: Any, logged_in: Any, session: Any) -> None:
    logged_in()
    start(client)
    response = choose(client, "first-hours", None)
    assert response.status_code == 302
    assert "Choose one of the options first." in page(client)
    assert stored(session)[0].answers == {}


def test_a_choice_without_the_csrf_token_is_refused(client: Any, logged_in: Any, session: Any) -> None:
    logged_in()
    start(client)
    html = page(client)
    response = client.post(f"{PAGE}/steps/first-hours", data={"attempt": attempt_field(html), "choice": "a"})
    assert response.status_code == 400
    assert stored(session)[0].answers == {}


def test_somebody_elses_attempt_cannot_be_answered(
    client: Any, app: Any, logged_in: Any, make_user: Any, session: Any
) -> None:
    logged_in()
    start(client)
    theirs = stored(session)[0].id
    other = app.test_client()
    from tests.conftest import login

    user = make_user()
    login(other, user.email)
    token = csrf_token(other, PAGE)
    response = other.post(
        f"{PAGE}/steps/first-hours", data={"csrf_token": token, "attempt": str(theirs), "choice": "a"}
    )
    assert response.status_code == 302  # told the step stands as it is; nothing recorded anywhere
    assert [a.answers for a in stored(session)] == [{}]


# --- in the room: a case step as a live question -----------------------------------------


def test_an_instructor_runs_a_case_step_as_a_live_question(app: Any, make_user: Any, session: Any) -> None:
    from course.models import Role
    from tests.webapp.test_cohorts import create_cohort, join, join_code, submit, user_client

    trainer, _trainer = user_client(app, make_user, Role.INSTRUCTOR)
    cohort_id = create_cohort(trainer, module_ids=["mod-1"])
    live = f"/cohorts/{cohort_id}/live"
    learners = []
    for index in range(3):
        browser, _user = user_client(app, make_user, full_name=f"Learner {index + 1}")
        assert join(browser, join_code(trainer, cohort_id)).status_code == 302
        learners.append(browser)

    screen = trainer.get(live).get_data(as_text=True)
    assert 'value="mod-1/case/get-the-data"' in screen and "Step 2: How do you obtain them?" in screen
    assert submit(trainer, live, f"{live}/open", question="mod-1/case/get-the-data").status_code == 302

    device = learners[0].get(live).get_data(as_text=True)
    assert "How do you obtain them?" in device and "The logs are preserved." in device
    assert "A production order for the preserved logs" in device
    assert all(FEEDBACK[("get-the-data", c)] not in device for c in "abc") and "✓" not in device

    live_id = re.search(r"/live/(\d+)/answer", device).group(1)
    for browser, choice in zip(learners, ("b", "b", "a"), strict=True):
        response = submit(browser, live, f"{live}/{live_id}/answer", answer=choice)
        assert response.status_code == 302
    assert submit(trainer, live, f"{live}/{live_id}/reveal").status_code == 302

    screen = trainer.get(live).get_data(as_text=True)
    assert "3 answers" in screen and "66.7% right" in screen
    assert "✓ A production order for the preserved logs" in screen
    assert all(FEEDBACK[("get-the-data", c)] in screen for c in "abc")  # the feedback on every choice
    mine = learners[2].get(live).get_data(as_text=True)
    assert "Not quite" in mine and FEEDBACK[("get-the-data", "b")] in mine
    assert stored(session) == []  # the room's answers are not the learners' own case attempts
