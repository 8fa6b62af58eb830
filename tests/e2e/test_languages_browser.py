"""Languages in a real browser: Arabic right to left, French content with an English fallback."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, register_account, screenshot

pytestmark = pytest.mark.e2e


def test_arabic_dashboard_and_lesson_read_right_to_left(
    page: Any, live_server: str, database_url: str
) -> None:
    register_account(
        database_url,
        email="salma@example.org",
        full_name="سلمى حداد",
        organisation="النيابة العامة",
        country="الأردن",
    )
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("salma@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="العربية").click()  # the switcher, as a learner finds it
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # the navigation starts at the right-hand edge, as Arabic readers expect
    brand = page.locator("header.site .brand").bounding_box()
    assert brand["x"] > page.viewport_size["width"] / 2
    assert_accessible(page, "Arabic dashboard")
    screenshot(page, "20-dashboard-ar")

    page.goto(f"{live_server}/modules/convention-at-a-glance")
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "21-module-ar")
    page.locator("ol.lessons a").first.click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_text("هذا الدرس غير متاح بالعربية بعد").is_visible()  # English lesson, with a notice
    assert page.locator("article.lesson").get_attribute("dir") == "ltr"
    assert_accessible(page, "Arabic lesson page")
    screenshot(page, "22-lesson-ar")


def test_french_lesson_and_english_fallback(page: Any, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"{live_server}/modules/convention-at-a-glance")
    page.locator("ol.lessons a").first.click()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("article.lesson h1").inner_text() != "Why a UN convention on cybercrime?"
    screenshot(page, "23-lesson-fr")
    page.goto(f"{live_server}/modules/electronic-evidence")
    page.locator("ol.lessons a").first.click()
    assert page.get_by_text("Cette leçon n'est pas encore disponible en français").is_visible()
    screenshot(page, "24-lesson-fr-fallback", phone=False)
