"""A real browser (Debian's chromium, driven by Playwright) against the app under gunicorn.

Skips with a clear message when no chromium is installed, except in CI, where
.ci/run installs it and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from course import accounts
from course.platform.db import make_engine, make_sessionmaker
from tests.conftest import empty_tables, wait_for_link
from tests.system.server import gunicorn

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"no chromium at {CHROMIUM}: .ci/run installs Debian's chromium package")
        pytest.skip(
            f"no chromium at {CHROMIUM}: install Debian's 'chromium' package to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the live server writes its mail (MAIL_BACKEND outbox)."""
    return tmp_path_factory.mktemp("outbox")


@pytest.fixture(scope="module")
def live_server(database_url: str, live_outbox: Path) -> Iterator[str]:
    engine = make_engine(database_url)
    empty_tables(engine)
    engine.dispose()
    with gunicorn(database_url, workers=2, extra_env={"ACADEMY_MAIL_OUTBOX_DIR": str(live_outbox)}) as base:
        yield base


def confirm_in_browser(page: Any, base: str, outbox: Path, email: str) -> None:
    """After registering: the "check your email" page, then the mailed link and its button."""
    assert page.get_by_role("heading", name="Check your email").is_visible()
    page.goto(base + wait_for_link(outbox, email, "/email/confirm/"))
    page.get_by_role("button", name="Confirm my address").click()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: Any, name: str, phone: bool = True) -> None:
    """Keep a full-page screenshot (and a 360 px phone one) as a test artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if phone:
        size = page.viewport_size
        page.set_viewport_size({"width": 360, "height": 780})
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(size)


def assert_accessible(page: Any, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )
    assert not bad, f"{name}: accessibility violations\n{report}"


def register_account(database_url: str, **fields: Any) -> None:
    """An account straight in the database (fast hashing), for a browser test to log in with."""
    from tests.conftest import PASSWORD

    engine = make_engine(database_url)
    accounts.configure_hasher(1, 8192)
    with make_sessionmaker(engine)() as session:
        accounts.register(session, password=PASSWORD, **fields)
        session.commit()
    engine.dispose()
