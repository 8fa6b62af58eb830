"""Provision coverage: each article against the lessons and questions on it, and a cohort's mastery of it."""

from __future__ import annotations

import re
from typing import Any

from course.content.stats import provisions
from course.models import Role


def test_an_instructor_sees_every_article_with_its_lessons_and_questions(
    app: Any, logged_in: Any, client: Any
) -> None:
    logged_in(Role.INSTRUCTOR)
    assert 'href="/convention/coverage"' in client.get("/convention").get_data(as_text=True)
    page = client.get("/convention/coverage").get_data(as_text=True)
    rows = re.findall(
        r'<tr(?: class="attention")?>\s*<th scope="row"><a class="cite" href="/convention/articles/(\d+)"',
        page,
    )
    assert [int(n) for n in rows] == list(range(1, 69))
    art24 = next(p for p in provisions(app.extensions["catalogue"]) if p.article.number == 24)
    assert f"{len(art24.questions)} questions" in page and f"{len(art24.lessons)} lessons" in page
    assert "0 articles are below the floor." in page  # the project's curriculum keeps its floor
    assert 'class="attention"' not in page


def test_a_learner_may_not_open_the_coverage_page(logged_in: Any, client: Any) -> None:
    logged_in(Role.LEARNER)
    assert client.get("/convention/coverage").status_code == 403


def test_the_article_list_does_not_offer_learners_the_coverage_page(logged_in: Any, client: Any) -> None:
    logged_in(Role.LEARNER)
    assert "/convention/coverage" not in client.get("/convention").get_data(as_text=True)
