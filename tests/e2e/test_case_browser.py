"""A case exercise in a real browser: from the module page, choose at each step by keyboard, see the score."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from course.platform.db import make_engine
from tests.conftest import PASSWORD, empty_tables
from tests.course.content.contenttree import write_tree
from tests.e2e.conftest import assert_accessible, register_account, screenshot
from tests.system.server import gunicorn

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def case_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under gunicorn on the small test course, whose first module has a case."""
    tree = write_tree(tmp_path_factory.mktemp("case-content") / "content", modules=2)
    engine = make_engine(database_url)
    empty_tables(engine)
    engine.dispose()
    register_account(
        database_url,
        email="investigator@example.org",
        full_name="Kwame Mensah",
        organisation="Cybercrime Unit",
        country="Ghana",
    )
    with gunicorn(database_url, workers=2, extra_env={"ACADEMY_CONTENT_DIR": str(Path(tree))}) as base:
        yield base


def choose(page: Any, text: str) -> None:
    """Pick a choice by keyboard (focus its radio, press space), then confirm."""
    page.get_by_role("radio", name=text).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Confirm my choice").click()


def test_a_learner_plays_a_case_to_the_end(page: Any, case_server: str) -> None:
    page.goto(f"{case_server}/login")
    page.get_by_label("Email").fill("investigator@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")

    page.goto(f"{case_server}/modules/mod-1")
    assert page.get_by_role("heading", name="Case exercise").is_visible()
    page.get_by_role("link", name="Go to the case").click()
    assert page.get_by_role("heading", name="Case: The logs that might vanish").is_visible()
    page.get_by_role("button", name="Start the case").click()

    assert page.get_by_role("group", name="What do you do first?").is_visible()
    assert page.get_by_text("keeps specified data that is at risk of loss").count() == 0
    assert_accessible(page, "case step")
    screenshot(page, "case-step")
    choose(page, "Wait for a production order")
    assert page.get_by_text("by then the logs are gone").is_visible()  # the feedback on my choice
    assert page.get_by_text("keeps specified data that is at risk of loss").is_visible()  # and on the best
    assert page.get_by_text("Not the best choice.").is_visible()

    choose(page, "A production order for the preserved logs")
    choose(page, "Art. 24")
    assert page.get_by_role("heading", name="Your result: 66.7%").is_visible()
    assert page.get_by_text("Passed. The pass mark was 60%.").is_visible()
    assert_accessible(page, "case result")
    screenshot(page, "case-result")

    page.goto(f"{case_server}/dashboard")
    row = page.get_by_role("row", name="Test module mod-1")
    assert "Passed" in row.inner_text() and "66.7" in row.inner_text()
