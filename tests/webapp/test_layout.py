"""Pages served from the render cache (webapp/layout.py) are each visitor's own page.

The cache keeps the site header per kind of visitor and whole lesson pages per
lesson and completion; these tests take the places where a wrong key would show one
person's page to another, and check what that person would see.
"""

from __future__ import annotations

import re
from typing import Any

from course.models import Role
from tests.conftest import csrf_token
from tests.webapp.test_cohorts import create_cohort, join, join_code, user_client

MODULE = "electronic-evidence"
LESSON = f"/modules/{MODULE}/lessons/obtaining-the-data"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def html(client: Any, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def tokens(page: str) -> set[str]:
    return set(TOKEN.findall(page))


def test_each_learner_gets_their_own_csrf_token_and_completion_state(app: Any, make_user: Any) -> None:
    first, _a = user_client(app, make_user)
    second, _b = user_client(app, make_user)
    page_one, page_two = html(first, LESSON), html(second, LESSON)
    assert len(tokens(page_one)) == 1 and len(tokens(page_two)) == 1  # header and page share one token
    assert tokens(page_one) != tokens(page_two)

    # the first learner completes the lesson with the token of the page they were given
    response = first.post(f"{LESSON}/complete", data={"csrf_token": tokens(page_one).pop()})
    assert response.status_code == 302
    html(first, response.headers["Location"])  # the next lesson, with the "completed" message
    for _ in range(2):
        assert "You completed this lesson." in html(first, LESSON)
        again = html(second, LESSON)  # the second learner's page is still theirs: not completed
        assert "Mark as completed" in again and "You completed this lesson." not in again
    assert second.post(f"{LESSON}/complete", data={"csrf_token": tokens(again).pop()}).status_code == 302


def test_a_token_from_another_session_is_refused(app: Any, make_user: Any) -> None:
    first, _a = user_client(app, make_user)
    second, _b = user_client(app, make_user)
    html(first, LESSON)
    foreign = tokens(html(first, LESSON)).pop()
    html(second, LESSON)  # the same page is now in the cache
    assert second.post(f"{LESSON}/complete", data={"csrf_token": foreign}).status_code == 400


def test_a_message_shown_once_is_not_kept(app: Any, make_user: Any) -> None:
    learner, _user = user_client(app, make_user)
    previous = f"/modules/{MODULE}/lessons/scope-safeguards-preservation"
    html(learner, LESSON)  # cached without a message
    token = csrf_token(learner, previous)
    response = learner.post(f"{previous}/complete", data={"csrf_token": token})
    assert response.headers["Location"] == LESSON  # completing a lesson leads to the next one
    shown = html(learner, LESSON)
    assert "Lesson completed:" in shown
    assert "Lesson completed:" not in html(learner, LESSON)  # once only
    other, _other = user_client(app, make_user)
    assert "Lesson completed:" not in html(other, LESSON)


def test_the_menu_follows_the_visitor(app: Any, client: Any, make_user: Any) -> None:
    anonymous = html(client, LESSON)
    assert "Log in" in anonymous and "Log out" not in anonymous and "csrf_token" not in anonymous

    learner, _learner = user_client(app, make_user)
    admin, _admin = user_client(app, make_user, Role.ADMIN)
    assert ">Admin<" not in html(learner, LESSON)
    assert ">Admin<" in html(admin, LESSON)
    assert ">Join a cohort<" in html(learner, LESSON)

    trainer, _trainer = user_client(app, make_user, Role.INSTRUCTOR)
    code = join_code(trainer, create_cohort(trainer))
    assert join(learner, code).status_code == 302
    page = html(learner, LESSON)
    assert ">My cohorts<" in page and ">Join a cohort<" not in page


def test_the_language_switcher_returns_to_this_address_escaped(app: Any, make_user: Any) -> None:
    learner, _user = user_client(app, make_user)
    html(learner, LESSON)
    page = html(learner, LESSON + '?from="><b>x')
    assert f'<input type="hidden" name="next" value="{LESSON}?from=&#34;&gt;&lt;b&gt;x">' in page
    assert "<b>x" not in page
    assert f'name="next" value="{LESSON}"' in html(learner, LESSON)


def test_the_cached_page_follows_the_language(app: Any, make_user: Any) -> None:
    learner, _user = user_client(app, make_user)
    html(learner, LESSON)
    token = csrf_token(learner, LESSON)
    learner.post("/language", data={"locale": "fr", "next": LESSON, "csrf_token": token})
    page = html(learner, LESSON)
    assert '<html lang="fr"' in page and "Se déconnecter" in page


def test_the_page_cache_is_bounded(app: Any, make_user: Any) -> None:
    learner, _user = user_client(app, make_user)
    pages = app.extensions["layout"]["pages"]
    pages.size = 2
    module = app.extensions["catalogue"].module(MODULE)
    for lesson in module.lessons:
        html(learner, f"/modules/{MODULE}/lessons/{lesson.id}")
    assert len(pages) == 2


def test_a_session_reuses_its_signed_token_for_a_minute_and_every_one_stays_valid(
    app: Any, make_user: Any, monkeypatch: Any
) -> None:
    import time

    learner, _user = user_client(app, make_user)
    first = tokens(html(learner, LESSON))
    real_time, real_monotonic = time.time, time.monotonic
    monkeypatch.setattr(time, "time", lambda: real_time() + 5)  # signed now, it would carry another time
    assert tokens(html(learner, "/dashboard")) == first  # signed once, reused by the next page
    monkeypatch.setattr(time, "time", lambda: real_time() + 61)
    monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + 61)
    later = tokens(html(learner, LESSON))
    assert len(later) == 1 and later != first  # a minute on: signed again
    # both the reused token and the new one are accepted
    assert learner.post(f"{LESSON}/complete", data={"csrf_token": first.pop()}).status_code == 302
    assert learner.post(f"{LESSON}/complete", data={"csrf_token": later.pop()}).status_code == 302


def test_a_form_page_reuses_the_signed_token_too(app: Any, make_user: Any, monkeypatch: Any) -> None:
    """The quiz page builds its form before the header: it must still get the token of the last minute."""
    import time

    learner, _user = user_client(app, make_user)
    first = tokens(html(learner, LESSON))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 5)  # signed now, it would carry another time
    start = learner.post(f"/modules/{MODULE}/quiz", data={"csrf_token": next(iter(first))})
    quiz_page = html(learner, start.headers["Location"])
    assert tokens(quiz_page) == first
