"""50 learners at once against a real gunicorn server: every fact stored exactly once."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from course.content import load_catalogue
from course.models import LessonCompletion, QuizAttempt, User
from course.platform.db import make_engine, make_sessionmaker
from tests.conftest import CONTENT, PASSWORD, empty_tables, wait_for_link
from tests.system.server import gunicorn

LEARNERS = 50
MODULE = load_catalogue(CONTENT).module("electronic-evidence")
LESSONS = [lesson.id for lesson in MODULE.lessons[:3]]
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def token(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    page.raise_for_status()
    return TOKEN.search(page.text).group(1)


def learner_journey(base: str, outbox: Path, index: int) -> dict[str, Any]:
    http = requests.Session()
    email = f"learner{index:03d}@example.org"
    response = http.post(
        f"{base}/register",
        data={
            "email": email,
            "full_name": f"Learner {index}",
            "organisation": "Police",
            "country": "Ghana",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token(http, f"{base}/register"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 200 and "Check your email" in response.text, response.text[-500:]
    confirm_url = base + wait_for_link(outbox, email, "/email/confirm/", timeout=60)
    confirmed = http.post(
        confirm_url, data={"csrf_token": token(http, confirm_url)}, allow_redirects=False, timeout=30
    )
    assert confirmed.status_code == 302, confirmed.text[-500:]
    for lesson_id in LESSONS:
        url = f"{base}/modules/{MODULE.id}/lessons/{lesson_id}"
        csrf = token(http, url)
        for _ in range(2):  # a double click: the second must change nothing
            done = http.post(f"{url}/complete", data={"csrf_token": csrf}, allow_redirects=False, timeout=30)
            assert done.status_code == 302, done.status_code
    quiz_url = f"{base}/modules/{MODULE.id}/quiz"
    started = http.post(
        quiz_url, data={"csrf_token": token(http, quiz_url)}, allow_redirects=False, timeout=30
    )
    attempt_url = base + started.headers["Location"]
    page = http.get(attempt_url, timeout=30).text
    answers: dict[str, str] = {}
    for name, value in re.findall(r'name="(q\d+)" type="(?:radio|checkbox)" value="([^"]+)"', page):
        answers.setdefault(name, value)
    data = {**answers, "csrf_token": TOKEN.search(page).group(1)}
    with ThreadPoolExecutor(2) as pool:  # the same attempt submitted twice at once
        codes = [
            f.result().status_code
            for f in [
                pool.submit(http.post, attempt_url, data=data, allow_redirects=False, timeout=30)
                for _ in range(2)
            ]
        ]
    assert codes == [302, 302], codes
    result = http.get(attempt_url, timeout=30).text
    score = re.search(r"Your result: ([\d.]+)%", result).group(1)
    return {"email": email, "score": float(score)}


def test_fifty_learners_in_parallel_store_everything_exactly_once(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    empty_tables(engine)
    outbox = {"ACADEMY_MAIL_OUTBOX_DIR": str(tmp_path)}
    with gunicorn(database_url, workers=4, extra_env=outbox) as base, ThreadPoolExecutor(LEARNERS) as pool:
        results = list(pool.map(lambda i: learner_journey(base, tmp_path, i), range(LEARNERS)))
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(User)) == LEARNERS
        assert session.scalar(select(func.count()).select_from(LessonCompletion)) == LEARNERS * len(LESSONS)
        per_lesson = session.execute(
            select(LessonCompletion.user_id, LessonCompletion.lesson_id, func.count())
            .group_by(LessonCompletion.user_id, LessonCompletion.lesson_id)
            .having(func.count() > 1)
        ).all()
        assert per_lesson == []
        attempts = session.scalars(select(QuizAttempt)).all()
        assert len(attempts) == LEARNERS
        assert all(a.status == "submitted" for a in attempts)
        stored = {a.user.email: a.score for a in attempts}
        assert stored == {r["email"]: r["score"] for r in results}
    engine.dispose()
