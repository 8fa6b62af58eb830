"""A trainer's cohort from start to end, through the test client on a real database.

Create a cohort → learners join by code and by link → roster import with good and
bad rows → set-password link → attendance → quizzes under the cohort's pass mark →
progress grid numbers match the attempts in the database → a live question →
CSV exports. The helpers here are shared by the other cohort test files.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from course.models import (
    Attendance,
    AuditEvent,
    Enrolment,
    PasswordToken,
    QuizAttempt,
    Role,
    User,
)
from tests.conftest import PASSWORD, csrf_token, login
from tests.webapp.test_journey import answers_for, parse_quiz, start_attempt

MODULES = ["human-rights-safeguards", "electronic-evidence"]


def user_client(app: Any, make_user: Any, role: Role = Role.LEARNER, **fields: Any) -> tuple[Any, User]:
    """A logged-in browser of its own (cookies apart from every other user's)."""
    user = make_user(role, **fields)
    browser = app.test_client()
    assert login(browser, user.email).status_code == 302
    return browser, user


def submit(client: Any, page: str, url: str | None = None, **data: Any) -> Any:
    """Post a form the way a browser does: with the CSRF token of the page it is on."""
    data["csrf_token"] = csrf_token(client, page)
    return client.post(url or page, data=data)


def create_cohort(client: Any, **fields: Any) -> int:
    data = {
        "title": "Electronic evidence workshop, Nairobi",
        "description": "Three days for investigators and prosecutors.",
        "path_id": "",
        "module_ids": MODULES,
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "location": "UN Office at Nairobi, room 4",
        "capacity": "",
        "pass_mark": "",
        "min_attendance": "",
    }
    data.update(fields)
    response = submit(client, "/cohorts/new", **data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def join_code(client: Any, cohort_id: int) -> str:
    html = client.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    match = re.search(r'<strong class="code">([A-Z0-9-]+)</strong>', html)
    assert match, "no join code on the cohort page"
    return match.group(1)


def join(client: Any, code: str) -> Any:
    return submit(client, "/cohorts/join", code=code)


def answers_with(app: Any, session: Any, attempt_id: int, right: int) -> dict[str, list[str]]:
    """Form answers with the first `right` questions answered correctly and the rest wrongly."""
    correct = answers_for(app, session, attempt_id, right=True)
    wrong = answers_for(app, session, attempt_id, right=False)
    return {name: (correct if int(name[1:]) <= right else wrong)[name] for name in correct}


def take_quiz(client: Any, app: Any, session: Any, module_id: str, right: int) -> QuizAttempt:
    """Start and submit a quiz through the pages, with `right` of 10 answers correct."""
    attempt_id, html = start_attempt(client, module_id)
    data = answers_with(app, session, attempt_id, right)
    response = client.post(f"/quiz/attempts/{attempt_id}", data={**data, "csrf_token": parse_quiz(html).csrf})
    assert response.status_code == 302
    session.rollback()
    return session.get(QuizAttempt, attempt_id)


def table_rows(html: str) -> dict[str, list[str]]:
    """Body rows of the page's tables as {row heading: [cell texts]}."""
    rows = {}
    for body in re.findall(r"<t(?:body|foot)>(.*?)</t(?:body|foot)>", html, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            heading = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            if heading:
                text = re.sub(r"<[^>]+>", "", heading.group(1)).strip()
                rows[text] = [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]
    return rows


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_cohort_from_creation_to_export(app: Any, session: Any, make_user: Any) -> None:
    trainer, instructor = user_client(app, make_user, Role.INSTRUCTOR, full_name="Amina Diallo")
    cohort_id = create_cohort(trainer, pass_mark="70", capacity="10", min_attendance="75")
    page = trainer.get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Electronic evidence workshop, Nairobi" in page and "Amina Diallo" in page
    assert "70% for this cohort's quizzes" in page
    code = join_code(trainer, cohort_id)
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert f"/cohorts/join/{code}" in page

    # learners join: one types the code loosely, one follows the link
    alice_browser, alice = user_client(app, make_user, full_name="Alice Wanjiru", email="alice@example.org")
    response = join(alice_browser, " " + code.lower().replace("-", " ") + " ")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/{cohort_id}")
    welcome = alice_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome to Electronic evidence workshop, Nairobi." in welcome
    assert "Human rights" in welcome or "safeguards" in welcome.lower()
    bob_browser, bob = user_client(app, make_user, full_name="Bob Otieno", email="bob@example.org")
    form = bob_browser.get(f"/cohorts/join/{code}").get_data(as_text=True)
    assert f'value="{code}"' in form and 'name="via" type="hidden" value="link"' in form
    assert (
        submit(bob_browser, f"/cohorts/join/{code}", "/cohorts/join", code=code, via="link").status_code
        == 302
    )
    assert "My cohorts" in bob_browser.get("/dashboard").get_data(as_text=True)

    # roster import: a pasted list with bad rows is refused as a whole, line by line
    make_user(email="esther@example.org", full_name="Esther Njeri")
    users_before = session.scalar(select(func.count()).select_from(User))
    pasted = (
        "Carla Mendes <carla@example.org>\n"
        "not-an-email\n"
        "alice@example.org\n"
        "dmitri@example.org, carla@example.org\n"
    )
    preview = submit(
        trainer, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/roster/preview", emails=pasted
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Line 2:" in html and "“not-an-email” is not a valid email address." in html
    assert "Line 4:" in html and "carla@example.org is already on line 1." in html
    assert "2 lines need correcting" in html
    assert f"/cohorts/{cohort_id}/roster/import" not in html  # no way to import a bad list
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == users_before

    # the corrected roster, as a CSV from Excel (BOM, semicolons, header in any order)
    roster_csv = (
        "\ufeffEmail;Full name;Organisation;Country\n"
        "carla@example.org;Carla Mendes;Polícia Federal;Brazil\n"
        "dmitri@example.org;Дмитрий Иванов;Prosecutor's Office;Kazakhstan\n"
        "esther@example.org;Esther Njeri;DCI;Kenya\n"
        "alice@example.org;Alice Wanjiru;DCI;Kenya\n"
    ).encode()
    trainer_token = csrf_token(trainer, f"/cohorts/{cohort_id}/roster")
    preview = trainer.post(
        f"/cohorts/{cohort_id}/roster/preview",
        data={"csrf_token": trainer_token, "emails": "", "roster": (io.BytesIO(roster_csv), "roster.csv")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert "New accounts: 2. Existing accounts to enrol: 1. Already in the cohort: 1." in html
    assert "Дмитрий Иванов" in html
    rows = re.search(r'name="rows" type="hidden" value="([^"]*)"', html)
    assert rows
    done = trainer.post(
        f"/cohorts/{cohort_id}/roster/import",
        data={
            "csrf_token": trainer_token,
            "rows": rows.group(1).replace("&#34;", '"').replace("&quot;", '"'),
        },
    )
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "New accounts: 2. Existing accounts enrolled: 1. Already in the cohort: 1." in html
    links = re.findall(r"<code>(http://localhost/set-password/[A-Za-z0-9_-]+)</code>", html)
    assert len(links) == 2
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Enrolment)) == 5
    stored = set(session.scalars(select(PasswordToken.token_hash)))
    assert len(stored) == 2 and not any(link.rsplit("/", 1)[1] in stored for link in links)
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_roster_imported"))
    assert audit.actor_id == instructor.id and audit.detail == "created 2, enrolled 1, already in 1"
    roster_page = trainer.get(f"/cohorts/{cohort_id}/roster").get_data(as_text=True)
    assert roster_page.count("Has not set a password yet") == 2

    # a new learner sets a password with the link, once
    carla_browser = app.test_client()
    link = links[0].removeprefix("http://localhost")
    assert "Carla Mendes" in carla_browser.get(link).get_data(as_text=True)
    token = csrf_token(carla_browser, link)
    response = carla_browser.post(
        link,
        data={"csrf_token": token, "full_name": "Carla Mendes", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cohorts/{cohort_id}")
    assert "Your password is set" in carla_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert app.test_client().get(link).status_code == 404
    assert login(app.test_client(), "carla@example.org").status_code == 302
    assert (
        trainer.get(f"/cohorts/{cohort_id}/roster").get_data(as_text=True).count("Has not set a password")
        == 1
    )

    # a meeting (yesterday, so it counts), and attendance taken on a phone
    yesterday = date.today() - timedelta(days=1)
    response = submit(
        trainer,
        f"/cohorts/{cohort_id}/meetings",
        title="Day 1: preservation and production orders",
        day=yesterday.isoformat(),
        time="09:00",
        duration_minutes="180",
        agenda="Arts. 25 to 28",
    )
    assert response.status_code == 302
    meetings = trainer.get(f"/cohorts/{cohort_id}/meetings").get_data(as_text=True)
    meeting_id = int(re.search(r"/meetings/(\d+)/attendance", meetings).group(1))
    assert "9:00" in meetings
    sheet = f"/cohorts/{cohort_id}/meetings/{meeting_id}/attendance"
    response = submit(
        trainer, sheet, **{f"u{alice.id}": "present", f"u{bob.id}": "absent", "rest_present": "1"}
    )
    assert response.status_code == 302
    assert "Attendance saved (5 changes)." in trainer.get(sheet).get_data(as_text=True)
    session.rollback()
    marks = dict(session.execute(select(Attendance.user_id, Attendance.status)).all())
    assert marks[alice.id] == "present" and marks[bob.id] == "absent" and len(marks) == 5
    assert "Your attendance so far: 0.0%." in bob_browser.get(f"/cohorts/{cohort_id}").get_data(as_text=True)

    # quizzes under the cohort's pass mark (70), which overrides the module's (80)
    overview = alice_browser.get(f"/modules/{MODULES[0]}/quiz").get_data(as_text=True)
    assert "Pass mark: 70%." in overview
    first = take_quiz(alice_browser, app, session, MODULES[0], right=7)
    assert first.pass_mark == 70 and first.score == 70.0 and first.passed
    take_quiz(bob_browser, app, session, MODULES[1], right=5)
    take_quiz(bob_browser, app, session, MODULES[1], right=9)
    take_quiz(bob_browser, app, session, MODULES[0], right=3)

    # the grid shows exactly what the database holds
    grid = trainer.get(f"/cohorts/{cohort_id}/progress").get_data(as_text=True)
    cells = table_rows(grid)
    session.rollback()
    for learner in (alice, bob):
        for position, module_id in enumerate(MODULES):
            best = session.scalar(
                select(func.max(QuizAttempt.score)).where(
                    QuizAttempt.user_id == learner.id,
                    QuizAttempt.module_id == module_id,
                    QuizAttempt.status == "submitted",
                )
            )
            cell = cells[learner.full_name][1 + position]
            assert (f"{best}%" in cell) if best is not None else ("%" not in cell), (learner.full_name, cell)
    assert cells["Alice Wanjiru"][1].startswith("◐ In progress")  # lessons not done: not completed yet
    assert cells["Esther Njeri"][1:3] == ["· Not started", "· Not started"]
    assert cells["Bob Otieno"][-1] == "60.0%"  # average of best scores 30 and 90
    assert cells["Completed"][1:3] == ["0/5", "0/5"] and cells["In progress"][1:3] == ["2", "1"]
    assert cells["Average best score"][1:3] == ["50.0%", "90.0%"]
    by_score = table_rows(
        trainer.get(f"/cohorts/{cohort_id}/progress?sort={MODULES[1]}&dir=desc").get_data(as_text=True)
    )
    assert list(by_score)[0] == "Bob Otieno"
    detail = trainer.get(f"/cohorts/{cohort_id}/learners/{bob.id}").get_data(as_text=True)
    assert detail.count("pass mark 70%") == 3 and "90.0%" in detail and "50.0%" in detail

    # question analysis: the least understood questions first, with the most chosen wrong answer
    analysis = trainer.get(f"/cohorts/{cohort_id}/questions?module={MODULES[0]}").get_data(as_text=True)
    shares = [float(x) for x in re.findall(r"<strong>([\d.]+)% correct</strong>", analysis)]
    assert shares and shares == sorted(shares) and "Most chosen wrong answer:" in analysis

    # provisions: each article asked, least mastered first, with the share of answers correct
    provisions = trainer.get(f"/cohorts/{cohort_id}/provisions").get_data(as_text=True)
    mastered = [
        float(x) for x in re.findall(r"<strong>([\d.]+)%</strong> <span class=\"small\">\(", provisions)
    ]
    assert mastered and mastered == sorted(mastered) and "answers)" in provisions

    # one live question to the room
    option = re.search(
        r'<option value="(' + MODULES[0] + r'/[^"]+)"',
        trainer.get(f"/cohorts/{cohort_id}/live").get_data(as_text=True),
    ).group(1)
    assert (
        submit(
            trainer, f"/cohorts/{cohort_id}/live", f"/cohorts/{cohort_id}/live/open", question=option
        ).status_code
        == 302
    )
    question = app.extensions["catalogue"].module(MODULES[0]).question_pool[option.split("/", 1)[1]]
    right = sorted(question.correct_ids)
    wrong = [next(o.id for o in question.options if not o.is_correct)]
    for browser, choice in ((alice_browser, right), (bob_browser, wrong), (carla_browser, right)):
        page = browser.get(f"/cohorts/{cohort_id}/live").get_data(as_text=True)
        live_id = re.search(r"/live/(\d+)/answer", page).group(1)
        assert (
            submit(
                browser,
                f"/cohorts/{cohort_id}/live",
                f"/cohorts/{cohort_id}/live/{live_id}/answer",
                answer=choice,
            ).status_code
            == 302
        )
    submit(trainer, f"/cohorts/{cohort_id}/live", f"/cohorts/{cohort_id}/live/{live_id}/reveal")
    screen = trainer.get(f"/cohorts/{cohort_id}/live").get_data(as_text=True)
    print(screen)
    assert "3 answers" in screen and "66.7% right" in screen
    assert "You were right." in alice_browser.get(f"/cohorts/{cohort_id}/live").get_data(as_text=True)

    # exports: plain CSV is the data; the spreadsheet CSV neutralises formulas
    progress_csv = read_csv(trainer.get(f"/cohorts/{cohort_id}/export/progress.csv"))
    header, *body = progress_csv
    assert header[:3] == ["Name", "Email", "Organisation"] and header[-3:] == [
        "Modules completed",
        "Progress %",
        "Average best score %",
    ]
    bob_row = next(r for r in body if r[1] == "bob@example.org")
    assert bob_row[3:7] == ["in progress", "30", "in progress", "90"]
    scores = read_csv(trainer.get(f"/cohorts/{cohort_id}/export/scores.csv"))
    assert (
        len(scores) == 1 + 4
        and scores[1][:2] == ["Bob Otieno", "bob@example.org"]
        or scores[1][0] == "Alice Wanjiru"
    )
    attendance = read_csv(trainer.get(f"/cohorts/{cohort_id}/export/attendance.csv"))
    assert (
        attendance[0][2] == f"{yesterday.isoformat()}T09:00+00:00 Day 1: preservation and production orders"
    )
    assert ["Bob Otieno", "bob@example.org", "absent", "0"] in attendance
    roster_rows = {
        row[1]: row for row in read_csv(trainer.get(f"/cohorts/{cohort_id}/export/roster.csv"))[1:]
    }
    assert [roster_rows[e][5] for e in ("alice@example.org", "bob@example.org", "carla@example.org")] == [
        "join code",
        "join link",
        "roster import",
    ]
    report = trainer.get(f"/cohorts/{cohort_id}/report").get_data(as_text=True)
    assert "5 learners" in report and "1 meeting held" in report and "1 live question" in report
