"""Every refusal of the cohort pages: codes, closed and full cohorts, other people's cohorts, forms."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from course import cohorts
from course.models import AuditEvent, Cohort, CohortInstructor, Enrolment, Role
from tests.conftest import csrf_token
from tests.webapp.test_cohorts import MODULES, create_cohort, join, join_code, submit, take_quiz, user_client

GET_PAGES = [
    "/cohorts/{id}",
    "/cohorts/{id}/edit",
    "/cohorts/{id}/roster",
    "/cohorts/{id}/meetings",
    "/cohorts/{id}/progress",
    "/cohorts/{id}/questions",
    "/cohorts/{id}/live",
    "/cohorts/{id}/live/state",
    "/cohorts/{id}/report",
    "/cohorts/{id}/export/roster.csv",
    "/cohorts/{id}/export/progress.csv?safe=1",
]
INSTRUCTOR_ONLY = [
    p for p in GET_PAGES if p not in ("/cohorts/{id}", "/cohorts/{id}/live", "/cohorts/{id}/live/state")
]
POSTS = [
    ("/cohorts/{id}/code", {}),
    ("/cohorts/{id}/joining", {"open": "0"}),
    ("/cohorts/{id}/edit", {"title": "Taken over", "module_ids": MODULES[0]}),
    ("/cohorts/{id}/delete", {"confirm": "y"}),
    ("/cohorts/{id}/instructors", {"email": "x@example.org"}),
    ("/cohorts/{id}/roster/preview", {"emails": "new@example.org"}),
    (
        "/cohorts/{id}/meetings",
        {"title": "M", "day": "2026-03-02", "time": "09:00", "duration_minutes": "60"},
    ),
    ("/cohorts/{id}/live/open", {"question": f"{MODULES[0]}/x"}),
]


@pytest.fixture
def trainer(app: Any, make_user: Any) -> tuple[Any, int, str]:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR, email="trainer@example.org")
    cohort_id = create_cohort(browser)
    return browser, cohort_id, join_code(browser, cohort_id)


def enrolled(session: Any, cohort_id: int) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort_id))


def current_code(session: Any, cohort_id: int) -> str:
    session.rollback()
    return session.get(Cohort, cohort_id).join_code


def test_wrong_code_is_refused_clearly_then_throttled(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    _browser, cohort_id, code = trainer
    learner, _user = user_client(app, make_user)
    response = join(learner, "ABCDE-FGHJK")
    assert response.status_code == 200
    assert "This code does not match any cohort" in response.get_data(as_text=True)
    assert enrolled(session, cohort_id) == 0
    for _ in range(cohorts.JOIN_LIMIT_PER_ACCOUNT - 1):
        assert join(learner, "ZZZZZ-ZZZZZ").status_code == 200
    response = join(learner, code)  # even the right code waits now
    assert response.status_code == 429
    assert "Too many wrong codes" in response.get_data(as_text=True)
    assert enrolled(session, cohort_id) == 0
    other, _user = user_client(app, make_user)  # another account is not held back
    assert join(other, code).status_code == 302


def test_closed_cohort_refuses_its_code_and_link_until_reopened(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    browser, cohort_id, code = trainer
    assert (
        submit(browser, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/joining", open="0").status_code == 302
    )
    assert "Joining is closed" in browser.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    learner, _user = user_client(app, make_user)
    response = join(learner, code)
    assert response.status_code == 200
    assert "This cohort is not taking new learners now" in response.get_data(as_text=True)
    assert enrolled(session, cohort_id) == 0
    submit(browser, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/joining", open="1")
    assert join(learner, code).status_code == 302
    assert enrolled(session, cohort_id) == 1
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"cohort_created", "cohort_join_closed", "cohort_join_opened"} <= actions


def test_a_new_code_makes_the_old_one_and_its_link_useless(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    browser, cohort_id, old = trainer
    response = submit(browser, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/code")
    assert "The old code and link no longer work" in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    new = join_code(browser, cohort_id)
    assert new != old
    learner, _user = user_client(app, make_user)
    assert "does not match any cohort" in join(learner, old).get_data(as_text=True)
    assert join(learner, new).status_code == 302
    assert session.scalar(
        select(AuditEvent.target).where(AuditEvent.action == "cohort_code_regenerated")
    ) == (f"cohort:{cohort_id}")


def test_a_full_cohort_refuses_more_learners(app: Any, session: Any, make_user: Any) -> None:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR)
    cohort_id = create_cohort(browser, capacity="1")
    code = join_code(browser, cohort_id)
    first, _u = user_client(app, make_user)
    second, _u = user_client(app, make_user)
    assert join(first, code).status_code == 302
    response = join(second, code)
    assert "This cohort is full" in response.get_data(as_text=True)
    assert enrolled(session, cohort_id) == 1
    again = join(first, code)  # joining twice is harmless
    assert "You are already in" in first.get(again.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("page", GET_PAGES)
def test_another_instructors_cohort_is_not_found(
    app: Any, make_user: Any, trainer: tuple[Any, int, str], page: str
) -> None:
    _browser, cohort_id, _code = trainer
    rival, _user = user_client(app, make_user, Role.INSTRUCTOR)
    assert rival.get(page.format(id=cohort_id)).status_code == 404


@pytest.mark.parametrize(("path", "data"), POSTS)
def test_another_instructor_cannot_change_the_cohort(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str], path: str, data: dict[str, str]
) -> None:
    _browser, cohort_id, code = trainer
    rival, _user = user_client(app, make_user, Role.INSTRUCTOR)
    response = submit(rival, "/cohorts", path.format(id=cohort_id), **data)
    assert response.status_code == 404
    session.rollback()
    cohort = session.get(Cohort, cohort_id)
    assert cohort is not None and cohort.title != "Taken over" and cohort.is_join_open
    assert cohorts.format_code(cohort.join_code) == code
    assert session.scalar(select(func.count()).select_from(CohortInstructor)) == 1


@pytest.mark.parametrize("page", INSTRUCTOR_ONLY)
def test_a_learner_of_the_cohort_is_refused_its_instructor_pages(
    app: Any, make_user: Any, trainer: tuple[Any, int, str], page: str
) -> None:
    _browser, cohort_id, code = trainer
    learner, _user = user_client(app, make_user)
    join(learner, code)
    assert learner.get(page.format(id=cohort_id)).status_code == 403


@pytest.mark.parametrize(("path", "data"), POSTS)
def test_a_learner_of_the_cohort_cannot_act_as_its_instructor(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str], path: str, data: dict[str, str]
) -> None:
    _browser, cohort_id, code = trainer
    learner, _user = user_client(app, make_user)
    join(learner, code)
    assert submit(learner, "/cohorts", path.format(id=cohort_id), **data).status_code == 403
    assert cohorts.format_code(current_code(session, cohort_id)) == code


def test_people_outside_the_cohort_see_nothing_of_it(
    app: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    _browser, cohort_id, _code = trainer
    learner, _user = user_client(app, make_user)
    for page in GET_PAGES:
        assert learner.get(page.format(id=cohort_id)).status_code == 404, page
    assert learner.get("/cohorts/new").status_code == 403
    anonymous = app.test_client()
    for page in [*GET_PAGES, "/cohorts", "/cohorts/join"]:
        response = anonymous.get(page.format(id=cohort_id))
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], page


def test_learner_page_shows_no_instructor_tools(
    app: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    _browser, cohort_id, code = trainer
    learner, _user = user_client(app, make_user)
    join(learner, code)
    html = learner.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Your modules" in html
    for tool in (code, "/roster", "/progress", "/export/", "/edit"):
        assert tool not in html
    assert learner.get(f"/cohorts/{cohort_id}/live/state").get_json() == {"key": "none"}


def test_missing_csrf_token_changes_nothing(session: Any, trainer: tuple[Any, int, str]) -> None:
    browser, cohort_id, code = trainer
    for path, data in POSTS:
        assert browser.post(path.format(id=cohort_id), data=data).status_code == 400, path
    assert cohorts.format_code(current_code(session, cohort_id)) == code
    assert session.get(Cohort, cohort_id).is_join_open


def test_admin_sees_and_manages_every_cohort(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    _browser, cohort_id, code = trainer
    admin, _user = user_client(app, make_user, Role.ADMIN)
    assert "Electronic evidence workshop" in admin.get("/cohorts").get_data(as_text=True)
    for page in GET_PAGES:
        assert admin.get(page.format(id=cohort_id)).status_code == 200, page
    submit(admin, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/code")
    assert cohorts.format_code(current_code(session, cohort_id)) != code


def test_co_instructors_run_the_cohort_together(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    browser, cohort_id, _code = trainer
    colleague_browser, colleague = user_client(app, make_user, Role.INSTRUCTOR, full_name="Kofi Mensah")
    learner = make_user(email="plain.learner@example.org")
    show = f"/cohorts/{cohort_id}"
    response = submit(browser, show, f"{show}/instructors", email=learner.email)
    assert "This account is not an instructor" in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = submit(browser, show, f"{show}/instructors", email="nobody@example.org")
    assert "No active account has this email" in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = submit(browser, show, f"{show}/instructors", email=colleague.email.upper())
    assert "Kofi Mensah now runs this cohort with you." in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert colleague_browser.get(f"{show}/progress").status_code == 200
    assert "Electronic evidence workshop" in colleague_browser.get("/cohorts").get_data(as_text=True)
    # the first instructor leaves; the last one cannot
    first_id = session.scalar(
        select(CohortInstructor.user_id).where(CohortInstructor.user_id != colleague.id)
    )
    assert (
        submit(browser, show, f"{show}/instructors/{first_id}/remove")
        .headers["Location"]
        .endswith("/cohorts")
    )
    assert browser.get(show).status_code == 404
    response = submit(colleague_browser, show, f"{show}/instructors/{colleague.id}/remove")
    assert "A cohort needs at least one instructor." in colleague_browser.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    session.rollback()
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["cohort_instructor_added", "cohort_instructor_removed"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"path_id": "investigators"}, "Choose a learning path or modules, not both."),
        ({"module_ids": []}, "Choose a learning path, or tick at least one module."),
        ({"ends_on": "2026-03-01"}, "The end date is before the start date."),
        ({"pass_mark": "150"}, "Number must be between 1 and 100."),
        ({"capacity": "0"}, "Number must be between 1 and 5000."),
        ({"path_id": "no-such-path", "module_ids": []}, "Not a valid choice."),
        ({"module_ids": ["no-such-module"]}, "is not a valid choice"),
    ],
)
def test_cohort_form_refuses_bad_input_and_creates_nothing(
    app: Any, session: Any, make_user: Any, fields: dict[str, Any], message: str
) -> None:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR)
    data = {
        "title": "Workshop",
        "path_id": "",
        "module_ids": MODULES,
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        **fields,
    }
    response = submit(browser, "/cohorts/new", **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Cohort)) == 0


def test_editing_and_deleting_a_cohort_are_recorded(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int, str]
) -> None:
    browser, cohort_id, code = trainer
    learner, _user = user_client(app, make_user)
    join(learner, code)
    edit = f"/cohorts/{cohort_id}/edit"
    assert 'value="Electronic evidence workshop, Nairobi"' in browser.get(edit).get_data(as_text=True)
    response = submit(
        browser,
        edit,
        title="Evidence workshop",
        description="Three days for investigators and prosecutors.",
        path_id="investigators",
        module_ids=[],
        starts_on="2026-03-02",
        ends_on="2026-03-04",
        location="UN Office at Nairobi, room 4",
        capacity="30",
    )
    assert response.status_code == 302
    session.rollback()
    cohort = session.get(Cohort, cohort_id)
    assert (cohort.title, cohort.path_id, cohort.module_ids, cohort.capacity) == (
        "Evidence workshop",
        "investigators",
        [],
        30,
    )
    assert session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "cohort_updated")) == (
        "title, path_id, module_ids, capacity"
    )
    refused = submit(browser, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/delete")
    assert "tick the box" in browser.get(refused.headers["Location"]).get_data(as_text=True)
    assert (
        submit(browser, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/delete", confirm="y").status_code
        == 302
    )
    session.rollback()
    assert session.get(Cohort, cohort_id) is None and enrolled(session, cohort_id) == 0
    assert (
        session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "cohort_deleted"))
        == "Evidence workshop"
    )
    assert learner.get(f"/cohorts/{cohort_id}").status_code == 404


def test_cohort_pass_mark_applies_only_to_its_own_modules(app: Any, session: Any, make_user: Any) -> None:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR)
    cohort_id = create_cohort(browser, module_ids=[MODULES[0]], pass_mark="60")
    learner, _user = user_client(app, make_user)
    other_module = take_quiz(learner, app, session, MODULES[1], right=6)
    assert other_module.pass_mark == 80 and not other_module.passed
    join(learner, join_code(browser, cohort_id))
    in_cohort = take_quiz(learner, app, session, MODULES[0], right=6)
    assert in_cohort.pass_mark == 60 and in_cohort.passed
    assert "Passed. The pass mark was 60%." in learner.get(f"/quiz/attempts/{in_cohort.id}").get_data(
        as_text=True
    )


def test_menu_offers_the_right_cohort_link(app: Any, make_user: Any, trainer: tuple[Any, int, str]) -> None:
    browser, _cohort_id, code = trainer
    assert 'href="/cohorts">My cohorts' in browser.get("/dashboard").get_data(as_text=True)
    learner, _user = user_client(app, make_user)
    assert 'href="/cohorts/join">Join a cohort' in learner.get("/dashboard").get_data(as_text=True)
    join(learner, code)
    assert 'href="/cohorts">My cohorts' in learner.get("/dashboard").get_data(as_text=True)
    assert "My cohorts" not in app.test_client().get("/").get_data(as_text=True)
    token = csrf_token(learner, "/cohorts")
    assert learner.post("/cohorts/join", data={"csrf_token": token, "code": ""}).status_code == 200
