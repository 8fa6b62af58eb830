"""The learner journey through the test client, on a real database, and every refusal."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import func, select

from course.models import LessonCompletion, QuizAttempt
from tests.conftest import PASSWORD, confirm_by_mail, csrf_token, finished

MODULE = "human-rights-safeguards"


def register(client: Any, email: str = "official@example.org", name: str = "Алексей Смирнов") -> Any:
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "email": email,
            "full_name": name,
            "organisation": "Prosecutor General's Office",
            "country": "Kazakhstan",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    return finished(response)


def complete_all_lessons(client: Any, module: Any) -> None:
    for lesson in module.lessons:
        path = f"/modules/{module.id}/lessons/{lesson.id}"
        token = csrf_token(client, path)
        response = client.post(f"{path}/complete", data={"csrf_token": token})
        assert response.status_code == 302


def start_attempt(client: Any, module_id: str = MODULE) -> tuple[int, str]:
    token = csrf_token(client, f"/modules/{module_id}/quiz")
    response = client.post(f"/modules/{module_id}/quiz", data={"csrf_token": token})
    assert response.status_code == 302
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return attempt_id, client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)


class QuizFormParser(HTMLParser):
    """Reads the quiz form as a browser sees it: field names, option values, and every attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.types: dict[str, str] = {}
        self.attributes: list[tuple[str, str | None]] = []
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend(attrs)
        values = dict(attrs)
        if tag == "input" and values.get("name", "").startswith("q"):
            self.fields.setdefault(values["name"], []).append(values["value"] or "")
            self.types[values["name"]] = values.get("type") or ""
        if tag == "input" and values.get("name") == "csrf_token":
            self.csrf = values["value"] or ""


def parse_quiz(html: str) -> QuizFormParser:
    parser = QuizFormParser()
    parser.feed(html)
    return parser


def answers_for(app: Any, session: Any, attempt_id: int, right: bool) -> dict[str, list[str]]:
    """Field answers: all right, or all wrong, using the server's own record of the attempt."""
    session.rollback()
    attempt = session.get(QuizAttempt, attempt_id)
    pool = app.extensions["catalogue"].module(attempt.module_id).question_pool
    data: dict[str, list[str]] = {}
    for position, shown in enumerate(attempt.shown, start=1):
        question = pool[shown["q"]]
        if right:
            data[f"q{position}"] = sorted(question.correct_ids)
        else:
            data[f"q{position}"] = [next(o.id for o in question.options if not o.is_correct)]
    return data


def test_the_whole_learner_journey(client: Any, app: Any, session: Any) -> None:
    module = app.extensions["catalogue"].module(MODULE)

    # register (name in Cyrillic, kept exactly), confirm the address from the mail, land on the dashboard
    response = register(client)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # not before the address is confirmed
    response = confirm_by_mail(client, app, "official@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Алексей Смирнов" in client.get("/account").get_data(as_text=True)
    assert "Resume: Module 1, Lesson 1" in dashboard

    # log out and in again
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    assert client.get("/dashboard").status_code == 302
    token = csrf_token(client, "/login")
    assert (
        client.post(
            "/login",
            data={"email": "official@example.org", "password": PASSWORD, "csrf_token": token},
        ).status_code
        == 302
    )

    # complete the first lesson: the module is in progress, the dashboard says where to resume
    first = module.lessons[0]
    path = f"/modules/{module.id}/lessons/{first.id}"
    response = client.post(f"{path}/complete", data={"csrf_token": csrf_token(client, path)})
    assert response.headers["Location"].endswith(f"/lessons/{module.lessons[1].id}")
    assert "You completed this lesson" in client.get(path).get_data(as_text=True)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"Resume: Module {module.order}, Lesson 2" in dashboard
    assert "In progress" in dashboard

    complete_all_lessons(client, module)  # completing again is harmless
    assert session.scalar(select(func.count()).select_from(LessonCompletion)) == len(module.lessons)
    page = client.get(f"/modules/{module.id}").get_data(as_text=True)
    assert page.count("✓") == len(module.lessons)

    # fail the quiz: feedback shows the right answers, explanations and article links
    attempt_id, html = start_attempt(client)
    form = parse_quiz(html)
    wrong = answers_for(app, session, attempt_id, right=False)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**wrong, "csrf_token": form.csrf})
    assert response.status_code == 302
    result = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Your result: 0.0%" in result and "Not passed yet" in result
    assert "correct answer" in result and 'href="/convention/articles/' in result
    assert "In progress" in client.get(f"/modules/{module.id}").get_data(as_text=True)

    # pass: the module is completed and the dashboard shows it
    attempt_id, html = start_attempt(client)
    right = answers_for(app, session, attempt_id, right=True)
    response = client.post(
        f"/quiz/attempts/{attempt_id}", data={**right, "csrf_token": parse_quiz(html).csrf}
    )
    result = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert "Your result: 100.0%" in result and "Passed" in result
    module_page = client.get(f"/modules/{module.id}").get_data(as_text=True)
    assert "Completed" in module_page and "Your best score: 100.0%" in module_page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    row = re.search(rf">{re.escape(module.title)}</a></th>(.*?)</tr>", dashboard, re.S)
    assert row and "100.0%" in row.group(1) and "Completed" in row.group(1)
    history = client.get(f"/modules/{module.id}/quiz").get_data(as_text=True)
    assert history.count("/quiz/attempts/") == 2


def test_quiz_page_carries_no_answer_information(client: Any, app: Any, logged_in: Any) -> None:
    logged_in()
    attempt_id, html = start_attempt(client)
    form = parse_quiz(html)
    assert len(form.fields) == 10
    module = app.extensions["catalogue"].module(MODULE)
    allowed = {
        "name",
        "value",
        "type",
        "id",
        "class",
        "method",
        "action",
        "href",
        "rel",
        "lang",
        "dir",
        "charset",
        "content",
        "role",
        "aria-label",
        "for",
        "novalidate",
        "aria-describedby",
    }
    for name, _value in form.attributes:
        assert name in allowed, f"unexpected attribute {name!r} could carry a hint"
    for values in form.fields.values():
        assert set(values) <= {o.id for q in module.questions for o in q.options}
    for name, value in form.attributes:
        assert "correct" not in name.lower() and "correct" not in (value or "").lower()
        assert name != "checked", "an option is pre-selected"
    for question in module.questions:
        assert question.explanation_html not in html
    assert "answer" not in (client.get_cookie("session").value if client.get_cookie("session") else "")


def test_submitting_twice_returns_the_stored_result_and_writes_nothing(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    logged_in()
    attempt_id, html = start_attempt(client)
    token = parse_quiz(html).csrf
    right = answers_for(app, session, attempt_id, right=True)
    client.post(f"/quiz/attempts/{attempt_id}", data={**right, "csrf_token": token})
    session.rollback()
    first = session.get(QuizAttempt, attempt_id)
    stored = (first.score, first.submitted_at, first.answers)
    wrong = answers_for(app, session, attempt_id, right=False)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**wrong, "csrf_token": token})
    assert response.status_code == 302
    session.rollback()  # end the old snapshot: see what the app committed
    again = session.get(QuizAttempt, attempt_id)
    assert (again.score, again.submitted_at, again.answers) == stored
    assert "already submitted" in client.get(response.headers["Location"]).get_data(as_text=True)


def _open_attempt(
    client: Any, app: Any, session: Any, logged_in: Any
) -> tuple[int, str, dict[str, list[str]]]:
    logged_in()
    attempt_id, html = start_attempt(client)
    return attempt_id, parse_quiz(html).csrf, answers_for(app, session, attempt_id, right=True)


def _nothing_stored(session: Any, attempt_id: int) -> None:
    session.rollback()  # end the old snapshot: see what the app committed
    attempt = session.get(QuizAttempt, attempt_id)
    assert attempt.status == "open" and attempt.score is None and attempt.answers is None


def test_unknown_question_is_refused_and_nothing_stored(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    attempt_id, token, right = _open_attempt(client, app, session, logged_in)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**right, "q99": "a", "csrf_token": token})
    assert response.status_code == 400
    assert "Nothing was saved" in response.get_data(as_text=True)
    _nothing_stored(session, attempt_id)


def test_unknown_option_is_refused_and_nothing_stored(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    attempt_id, token, right = _open_attempt(client, app, session, logged_in)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**right, "q1": "zzz", "csrf_token": token})
    assert response.status_code == 400
    assert "do not match the questions" in response.get_data(as_text=True)
    _nothing_stored(session, attempt_id)


def test_missing_csrf_token_is_refused_and_nothing_stored(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    attempt_id, _token, right = _open_attempt(client, app, session, logged_in)
    response = client.post(f"/quiz/attempts/{attempt_id}", data=right)
    assert response.status_code == 400
    assert "could not be understood" in response.get_data(as_text=True)
    _nothing_stored(session, attempt_id)


class CheckedParser(HTMLParser):
    """The options a browser shows as ticked, and the questions marked as needing an answer."""

    def __init__(self) -> None:
        super().__init__()
        self.checked: dict[str, list[str]] = {}
        self.marked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and "checked" in values:
            self.checked.setdefault(values["name"] or "", []).append(values["value"] or "")
        if tag == "fieldset" and "has-error" in (values.get("class") or ""):
            self.marked.append(values["id"] or "")


def test_blank_answers_ask_again_keep_the_answers_given_and_store_nothing(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    attempt_id, token, right = _open_attempt(client, app, session, logged_in)
    given = dict(list(right.items())[:4])
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**given, "csrf_token": token})
    assert response.status_code == 200
    assert "Some questions have no answer yet" in response.get_data(as_text=True)
    page = CheckedParser()
    page.feed(response.get_data(as_text=True))
    # the answers given stay ticked; exactly the other questions are marked
    assert {name: sorted(values) for name, values in page.checked.items()} == {
        name: sorted(values) for name, values in given.items()
    }
    assert page.marked == [name for name in right if name not in given]
    _nothing_stored(session, attempt_id)


def test_somebody_elses_attempt_is_not_found(
    client: Any, app: Any, session: Any, logged_in: Any, make_user: Any
) -> None:
    attempt_id, token, right = _open_attempt(client, app, session, logged_in)
    client.post("/logout", data={"csrf_token": token})
    other = make_user()
    from tests.conftest import login

    login(client, other.email)
    token = csrf_token(client, "/dashboard")
    assert client.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**right, "csrf_token": token})
    assert response.status_code == 404
    _nothing_stored(session, attempt_id)


def test_quiz_and_progress_pages_need_login(client: Any) -> None:
    for path in (
        "/dashboard",
        f"/modules/{MODULE}/quiz",
        "/quiz/attempts/1",
        "/account",
        "/account/data.json",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], path
