"""Roster import through the pages: preview, all-or-nothing import, set-password links, exports."""

from __future__ import annotations

import html as htmllib
import io
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from course.models import AuditEvent, Enrolment, PasswordToken, QuizAttempt, Role, User
from tests.conftest import PASSWORD, csrf_token, login
from tests.webapp.test_cohorts import (
    MODULES,
    create_cohort,
    join,
    join_code,
    read_csv,
    submit,
    take_quiz,
    user_client,
)


def preview(browser: Any, cohort_id: int, emails: str = "", upload: bytes | None = None) -> Any:
    data: dict[str, Any] = {
        "csrf_token": csrf_token(browser, f"/cohorts/{cohort_id}/roster"),
        "emails": emails,
    }
    if upload is not None:
        data["roster"] = (io.BytesIO(upload), "roster.csv")
    return browser.post(f"/cohorts/{cohort_id}/roster/preview", data=data, content_type="multipart/form-data")


def confirm(browser: Any, cohort_id: int, page: str) -> Any:
    rows = re.search(r'name="rows" type="hidden" value="([^"]*)"', page)
    assert rows, "the preview offers no import"
    token = csrf_token(browser, f"/cohorts/{cohort_id}/roster")
    return browser.post(
        f"/cohorts/{cohort_id}/roster/import",
        data={"csrf_token": token, "rows": htmllib.unescape(rows.group(1))},
    )


def count(session: Any, model: Any) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def trainer(app: Any, make_user: Any) -> tuple[Any, int]:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR, email="trainer@example.org")
    return browser, create_cohort(browser)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("Name,Email\nAna,ana@example.org\n".encode("utf-16"), "The file is not in UTF-8"),
        (b"Name;Organisation\nAna;DCI\n", "The header row has no “Email” column."),
        (b"\n\n", "No email addresses were found."),
        (b"Ana,ana@example.org,DCI,Kenya,extra\n", "Line 1:"),
        (b"Email\ntrainer@example.org\n", "trainer@example.org runs this cohort"),
        ('Name,Email\n"Ana\nPérez",ana@\nBob,bob@example.org\n'.encode(), "Line 2:"),
    ],
)
def test_bad_rosters_are_explained_and_import_nothing(
    session: Any, trainer: tuple[Any, int], upload: bytes, message: str
) -> None:
    browser, cohort_id = trainer
    users = count(session, User)
    response = preview(browser, cohort_id, upload=upload)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert "/roster/import" not in page
    assert count(session, User) == users and count(session, Enrolment) == 0


def test_the_preview_is_checked_again_at_import_and_nothing_is_half_imported(
    app: Any, session: Any, make_user: Any
) -> None:
    browser, _user = user_client(app, make_user, Role.INSTRUCTOR)
    cohort_id = create_cohort(browser, capacity="3")
    page = preview(browser, cohort_id, emails="a@example.org\nb@example.org\nc@example.org").get_data(
        as_text=True
    )
    assert "New accounts: 3." in page
    late, _u = user_client(app, make_user)  # somebody joins between the preview and the import
    assert join(late, join_code(browser, cohort_id)).status_code == 302
    users = count(session, User)
    response = confirm(browser, cohort_id, page)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert (
        "Nothing was imported" in text
        and "The cohort has 2 places left, but this list would add 3 learners" in text
    )
    assert (
        count(session, User) == users
        and count(session, Enrolment) == 1
        and count(session, PasswordToken) == 0
    )
    too_many = preview(browser, cohort_id, emails="a@example.org\nb@example.org\nc@example.org")
    assert "/roster/import" not in too_many.get_data(as_text=True)


def test_tampered_rows_are_refused(session: Any, trainer: tuple[Any, int]) -> None:
    browser, cohort_id = trainer
    token = csrf_token(browser, f"/cohorts/{cohort_id}/roster")
    for rows in ("not json", '[{"line": 1, "email": "x@example.org"}]', '{"a": 1}'):
        response = browser.post(
            f"/cohorts/{cohort_id}/roster/import", data={"csrf_token": token, "rows": rows}
        )
        assert response.status_code == 400
    bad_email = '[{"line":1,"email":"nope","name":"","organisation":"","country":""}]'
    response = browser.post(
        f"/cohorts/{cohort_id}/roster/import", data={"csrf_token": token, "rows": bad_email}
    )
    assert response.status_code == 409 and "is not a valid email address" in response.get_data(as_text=True)
    assert count(session, User) == 1 and count(session, Enrolment) == 0


def test_set_password_links_work_once_and_can_be_renewed(
    app: Any, session: Any, trainer: tuple[Any, int]
) -> None:
    browser, cohort_id = trainer
    done = confirm(
        browser,
        cohort_id,
        preview(browser, cohort_id, emails="Ana Pérez <ana@example.org>").get_data(as_text=True),
    )
    first = re.search(
        r"<code>http://localhost(/set-password/[^<]+)</code>", done.get_data(as_text=True)
    ).group(1)
    session.rollback()
    ana = session.scalar(select(User).where(User.email == "ana@example.org"))
    assert login(app.test_client(), "ana@example.org", PASSWORD).status_code == 200  # no password yet

    # a new link cancels the first
    response = submit(browser, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/learners/{ana.id}/link")
    second = re.search(r"http://localhost(/set-password/[^<]+)<", response.get_data(as_text=True)).group(1)
    device = app.test_client()
    assert device.get(first).status_code == 404
    page = device.get(second)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"

    # a guessable password is refused and leaves the link usable
    token = csrf_token(device, second)
    weak = device.post(
        second,
        data={
            "csrf_token": token,
            "full_name": "Ana Pérez",
            "password": "password123",
            "confirm": "password123",
        },
    )
    assert "too easy to guess" in weak.get_data(as_text=True)
    done = device.post(
        second,
        data={"csrf_token": token, "full_name": "Ana María Pérez", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert done.status_code == 302
    session.rollback()
    assert session.get(User, ana.id).full_name == "Ana María Pérez"
    assert app.test_client().get(second).status_code == 404

    # once the owner has the account, nobody can issue links for it
    response = submit(browser, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/learners/{ana.id}/link")
    assert "already set a password" in browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "New set-password link" not in browser.get(f"/cohorts/{cohort_id}/roster").get_data(as_text=True)
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "cohort_password_link_issued")
        )
        == 1
    )


def test_a_link_opened_while_logged_in_as_someone_else_does_nothing(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int]
) -> None:
    browser, cohort_id = trainer
    done = confirm(
        browser, cohort_id, preview(browser, cohort_id, emails="ana@example.org").get_data(as_text=True)
    )
    link = re.search(
        r"<code>http://localhost(/set-password/[^<]+)</code>", done.get_data(as_text=True)
    ).group(1)
    other, _user = user_client(app, make_user)
    page = other.get(link).get_data(as_text=True)
    assert "You are logged in with another account" in page and '<form method="post" class="form"' not in page
    assert app.test_client().get("/set-password/" + "x" * 43).status_code == 404


def test_instructors_can_only_issue_links_for_accounts_created_for_the_cohort(
    app: Any, make_user: Any, trainer: tuple[Any, int]
) -> None:
    browser, cohort_id = trainer
    learner, user = user_client(app, make_user)
    join(learner, join_code(browser, cohort_id))
    response = submit(
        browser, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/learners/{user.id}/link"
    )
    assert "already set a password" in browser.get(response.headers["Location"]).get_data(as_text=True)
    stranger = make_user()
    assert (
        submit(
            browser, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/learners/{stranger.id}/link"
        ).status_code
        == 404
    )


def test_removing_a_learner_keeps_their_progress(
    app: Any, session: Any, make_user: Any, trainer: tuple[Any, int]
) -> None:
    browser, cohort_id = trainer
    learner, user = user_client(app, make_user, full_name="Rafael Costa")
    join(learner, join_code(browser, cohort_id))
    take_quiz(learner, app, session, MODULES[0], right=8)
    response = submit(
        browser, f"/cohorts/{cohort_id}/roster", f"/cohorts/{cohort_id}/learners/{user.id}/remove"
    )
    assert "Rafael Costa is no longer in this cohort" in browser.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(session, Enrolment) == 0 and count(session, QuizAttempt) == 1
    assert learner.get(f"/cohorts/{cohort_id}").status_code == 404
    assert (
        session.scalar(select(AuditEvent.target).where(AuditEvent.action == "cohort_learner_removed"))
        == f"cohort:{cohort_id}"
    )


def test_spreadsheet_export_neutralises_formulas_and_plain_export_keeps_data(
    app: Any, make_user: Any, trainer: tuple[Any, int]
) -> None:
    browser, cohort_id = trainer
    learner, _user = user_client(
        app,
        make_user,
        full_name='=HYPERLINK("http://evil.example","click")',
        organisation="+1-555 Ministry",
        country="@Home",
    )
    join(learner, join_code(browser, cohort_id))
    plain = browser.get(f"/cohorts/{cohort_id}/export/roster.csv")
    assert plain.headers["Content-Disposition"] == f'attachment; filename="cohort-{cohort_id}-roster.csv"'
    assert plain.mimetype == "text/csv" and not plain.get_data(as_text=True).startswith("\ufeff")
    header, row = read_csv(plain)
    assert header == ["Name", "Email", "Organisation", "Country", "Enrolled (UTC)", "Added by"]
    assert row[0] == '=HYPERLINK("http://evil.example","click")' and row[5] == "join code"
    safe = browser.get(f"/cohorts/{cohort_id}/export/roster.csv?safe=1")
    assert safe.get_data(as_text=True).startswith("\ufeff")
    assert 'roster-spreadsheet.csv"' in safe.headers["Content-Disposition"]
    _header, row = read_csv(safe)
    assert row[0] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[2] == "'+1-555 Ministry" and row[3] == "'@Home"
    assert browser.get(f"/cohorts/{cohort_id}/export/passwords.csv").status_code == 404
