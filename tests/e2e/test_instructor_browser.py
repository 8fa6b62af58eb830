"""The instructor journey in a real browser.

Create a cohort, a learner joins on a phone, the grid shows progress, a live question in the room.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from course.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, confirm_in_browser, register_account, screenshot

pytestmark = pytest.mark.e2e
MODULE_TITLE = "Electronic evidence handling"


def make_instructor(database_url: str) -> None:
    register_account(
        database_url,
        email="trainer@example.org",
        full_name="Amina Diallo",
        organisation="UNODC",
        country="Senegal",
        role=Role.INSTRUCTOR,
    )


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


def test_instructor_journey_in_the_browser(
    chromium: Any, live_server: str, live_outbox: Path, database_url: str
) -> None:
    make_instructor(database_url)
    trainer = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    learner = chromium.new_context(viewport={"width": 360, "height": 780}, is_mobile=True).new_page()
    for page in (trainer, learner):
        page.set_default_timeout(15_000)

    # the trainer creates a cohort for the investigators' path
    log_in(trainer, live_server, "trainer@example.org")
    trainer.get_by_role("link", name="My cohorts").click()
    trainer.goto(f"{live_server}/cohorts/new")
    trainer.get_by_label("Title").fill("Nairobi workshop, November 2026")
    trainer.get_by_label("Learning path").select_option("investigators")
    trainer.get_by_label("Place, or link to the online meeting").fill("Kenya School of Government, Nairobi")
    trainer.get_by_label("Time zone of the meetings").select_option(
        "Africa/Nairobi"
    )  # options without value=
    trainer.get_by_role("button", name="Create the cohort").click()
    assert trainer.get_by_text("Africa/Nairobi", exact=True).is_visible()
    code = trainer.locator("strong.code").inner_text()
    cohort_url = trainer.url
    assert_accessible(trainer, "cohort")
    screenshot(trainer, "10-cohort")

    # the first sitting, typed as the clocks in Nairobi show it
    trainer.goto(f"{cohort_url}/meetings")
    trainer.get_by_label("Title").fill("Day 1: seizing a phone")
    trainer.get_by_label("Date").fill("2030-03-05")
    trainer.get_by_label("Start time").fill("09:00")
    trainer.get_by_role("button", name="Add the meeting").click()
    meeting = trainer.locator("ul.meetings li", has_text="Day 1: seizing a phone")
    assert "9:00" in meeting.inner_text() and "(Africa/Nairobi)" in meeting.inner_text()
    assert_accessible(trainer, "meetings")
    screenshot(trainer, "15-meetings")

    # a learner registers on a phone and joins with the code
    learner.goto(f"{live_server}/register")
    learner.get_by_label("Email").fill("okello@example.org")
    learner.get_by_label("Full name, exactly as it should appear on your certificate").fill("Okello Odhiambo")
    learner.get_by_label("Organisation").fill("Directorate of Criminal Investigations")
    learner.get_by_label("Country").fill("Kenya")
    learner.get_by_label("Password (at least 10 characters)").fill(PASSWORD)
    learner.get_by_label("Password again").fill(PASSWORD)
    learner.get_by_role("button", name="Create account").click()
    confirm_in_browser(learner, live_server, live_outbox, "okello@example.org")
    learner.goto(f"{live_server}/cohorts/join")
    learner.get_by_label("Join code").fill("wrong-code")
    learner.get_by_role("button", name="Join").click()
    assert learner.locator(".flash-error, .error").first.is_visible()
    learner.get_by_label("Join code").fill(code.lower().replace("-", " "))
    learner.get_by_role("button", name="Join").click()
    assert learner.get_by_text("Nairobi workshop, November 2026").first.is_visible()
    learner.goto(cohort_url)  # the learner's view of the cohort: the sitting at Nairobi's 09:00, zone named
    sitting = learner.locator("ul.meetings li", has_text="Day 1: seizing a phone").inner_text()
    assert "9:00" in sitting and "(Africa/Nairobi)" in sitting
    screenshot(learner, "16-cohort-learner")
    size = learner.viewport_size
    learner.set_viewport_size({"width": 360, "height": 780})  # on a phone: each module's status in view
    status = learner.locator(".table-wrap td[data-label='Status']").first.bounding_box()
    assert status is not None and status["x"] + status["width"] <= 360, status
    assert learner.evaluate(
        "[...document.querySelectorAll('.table-wrap')].every(w => w.scrollWidth <= w.clientWidth)"
    )
    learner.set_viewport_size(size)

    # the learner completes a lesson; the trainer's grid shows it
    learner.goto(f"{live_server}/modules/electronic-evidence")
    learner.locator("ol.lessons a").first.click()
    learner.get_by_role("button", name="Mark as completed").click()
    trainer.goto(f"{cohort_url}/progress")
    row = trainer.locator("tr", has_text="Okello Odhiambo")
    assert row.count() == 1
    assert "In progress" in row.inner_text()
    assert_accessible(trainer, "progress grid")
    screenshot(trainer, "11-progress-grid", phone=False)

    # a live question in the room: the learner's phone updates by itself (polling), then the reveal
    learner.goto(f"{cohort_url}/live")
    assert learner.get_by_text("No question yet").is_visible()
    trainer.goto(f"{cohort_url}/live")
    trainer.get_by_label("Question to put to the room").select_option(index=1)
    trainer.get_by_role("button", name="Open this question").click()
    learner.get_by_role("button", name="Send my answer").wait_for(
        timeout=10_000
    )  # no reload: the page polled
    assert_accessible(learner, "live question (learner)")
    screenshot(learner, "12-live-learner", phone=False)
    learner.locator("fieldset input").first.check()
    learner.get_by_role("button", name="Send my answer").click()
    assert learner.get_by_text("Your answer is in").first.is_visible()
    trainer.goto(f"{cohort_url}/live")
    trainer.get_by_role("button", name="Close answers").click()
    trainer.get_by_role("button", name="Show the results").click()
    assert trainer.locator(".distribution").first.is_visible()
    screenshot(trainer, "13-live-results", phone=False)
    learner.locator(".distribution").first.wait_for(timeout=10_000)  # the phone polled and reloaded
    screenshot(learner, "14-live-learner-results", phone=False)
