"""The learner journey in a real browser: register, read, complete lessons, pass the quiz by keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from course.content import load_catalogue
from course.models import QuizAttempt, utcnow
from course.platform.db import make_engine, make_sessionmaker
from tests.conftest import CONTENT, PASSWORD
from tests.e2e.conftest import assert_accessible, confirm_in_browser, screenshot

pytestmark = pytest.mark.e2e
CATALOGUE = load_catalogue(CONTENT)
MODULE = CATALOGUE.module("human-rights-safeguards")


def right_options(database_url: str, attempt_id: int) -> list[tuple[str, list[int]]]:
    """For each question shown: its type and the positions of the correct options as shown."""
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        attempt = session.scalar(select(QuizAttempt).where(QuizAttempt.id == attempt_id))
        shown = attempt.shown
    engine.dispose()
    pool = MODULE.question_pool
    out = []
    for item in shown:
        question = pool[item["q"]]
        out.append((question.type, [i for i, oid in enumerate(item["o"]) if oid in question.correct_ids]))
    return out


PATH_ID = "victim-support"


def finish_other_modules(database_url: str, email: str) -> None:
    """The path's other modules done as stored facts, so the browser walks only the last one."""
    from course.models import User
    from tests.course.credentials.test_certificates import complete_path

    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        user = session.scalar(select(User).where(User.email == email))
        complete_path(session, CATALOGUE, user, PATH_ID, leave_out=MODULE.id, when=utcnow())
        session.commit()
    engine.dispose()


def test_learner_journey_in_the_browser(
    page: Any, live_server: str, live_outbox: Path, database_url: str
) -> None:
    page.goto(live_server + "/")
    assert page.get_by_role(
        "heading", name="Learn to apply the UN Convention against Cybercrime"
    ).is_visible()
    assert_accessible(page, "catalogue")
    screenshot(page, "01-catalogue")

    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Email").fill("nguyen@example.org")
    page.get_by_label("Full name, exactly as it should appear on your certificate").fill(
        "Nguyễn Thị Minh Khai"
    )
    page.get_by_label("Organisation").fill("Ministry of Public Security")
    page.get_by_label("Country").fill("Viet Nam")
    page.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert_accessible(page, "check your email")
    confirm_in_browser(page, live_server, live_outbox, "nguyen@example.org")
    assert page.get_by_text("Welcome, Nguyễn Thị Minh Khai").is_visible()
    finish_other_modules(database_url, "nguyen@example.org")
    assert_accessible(page, "dashboard (new)")

    page.goto(f"{live_server}/modules/{MODULE.id}")
    assert_accessible(page, "module")
    screenshot(page, "02-module")
    for position, lesson in enumerate(MODULE.lessons, start=1):
        page.goto(f"{live_server}/modules/{MODULE.id}/lessons/{lesson.id}")
        if position == 1:
            assert_accessible(page, "lesson")
            screenshot(page, "03-lesson")
            page.locator("details.answer summary").first.click() if page.locator(
                "details.answer"
            ).count() else None
        page.get_by_role("button", name="Mark as completed").click()
        assert page.get_by_text(f"Lesson completed: {lesson.title}").is_visible()

    page.goto(f"{live_server}/modules/{MODULE.id}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    assert page.get_by_role("heading", name=f"Quiz: {MODULE.title}").is_visible()
    assert_accessible(page, "quiz")
    screenshot(page, "04-quiz")

    # keyboard only: Tab to the first answer, arrows or space to choose, Enter to submit
    attempt_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    answers = right_options(database_url, attempt_id)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q1":
            break
    else:
        pytest.fail("Tab never reached the first question")
    for number, (qtype, correct) in enumerate(answers, start=1):
        assert page.evaluate("document.activeElement.name") == f"q{number}"
        if qtype == "multiple":
            options = page.locator(f"input[name=q{number}]").count()
            for position in range(options):
                if position in correct:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
        else:
            page.keyboard.press("Space")  # selects the focused (first) radio
            for _ in range(correct[0]):
                page.keyboard.press("ArrowDown")
            page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Submit my answers"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Your result: 100.0%").is_visible()
    assert_accessible(page, "result")
    screenshot(page, "05-result")

    page.goto(f"{live_server}/dashboard")
    row = page.locator("tr", has_text=MODULE.title)
    assert "Completed" in row.inner_text() and "100.0%" in row.inner_text()
    assert_accessible(page, "dashboard")
    screenshot(page, "06-dashboard")

    # the path is complete: earn the certificate and download it
    page.goto(f"{live_server}/paths/{PATH_ID}")
    page.get_by_role("link", name="Get your certificate").click()
    page.get_by_role("button", name="Get your certificate").click()
    assert page.get_by_text("Nguyễn Thị Minh Khai").first.is_visible()
    assert_accessible(page, "certificate")
    screenshot(page, "07-certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = download.value.path()
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Nguyễn Thị Minh Khai" in text and "Victim-support practitioners" in text
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    public = page.context.new_page()
    public.goto(f"{live_server}/verify/{code}")
    assert public.get_by_text("Nguyễn Thị Minh Khai").first.is_visible()
    screenshot(public, "08-verify")
