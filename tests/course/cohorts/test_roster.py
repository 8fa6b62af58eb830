"""Roster parsing, planning and all-or-nothing import; one-time set-password links. No Flask."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from course import accounts, cohorts
from course.accounts import password_links
from course.cohorts import bulk_enrol, roster
from course.cohorts.roster import FileProblem, RowOutcome, RowProblem
from course.models import Enrolment, PasswordToken, Role, User, utcnow
from tests.conftest import PASSWORD


def rows(parsed: roster.Parsed) -> list[tuple[int, str, str, str, str]]:
    return [(r.line, r.email, r.name, r.organisation, r.country) for r in parsed.rows]


def errors(parsed: roster.Parsed) -> list[tuple[int, RowProblem]]:
    return [(e.line, e.problem) for e in parsed.errors]


def test_pasted_addresses_in_every_usual_form() -> None:
    parsed = roster.parse_email_list(
        'ana@example.org, Bob Li <BOB@example.org>; "Pérez, Carla" <carla@example.org>\n'
        "\n"
        "Дмитрий Иванов dmitri@example.org\n"
        "  eve@example.org  \n"
    )
    assert rows(parsed) == [
        (1, "ana@example.org", "", "", ""),
        (1, "bob@example.org", "Bob Li", "", ""),
        (1, "carla@example.org", "Pérez, Carla", "", ""),
        (3, "dmitri@example.org", "Дмитрий Иванов", "", ""),
        (4, "eve@example.org", "", "", ""),
    ]
    assert parsed.errors == () and parsed.problem is None


def test_bad_pasted_lines_are_reported_by_line() -> None:
    parsed = roster.parse_email_list("ana@example.org\nnot an email at all\nana@\nANA@example.org\n")
    assert errors(parsed) == [(2, RowProblem.BAD_EMAIL), (3, RowProblem.BAD_EMAIL), (4, RowProblem.DUPLICATE)]
    assert parsed.errors[2].other_line == 1 and parsed.errors[1].value == "ana@"
    assert roster.parse_email_list("  \n\n").problem is FileProblem.EMPTY


def test_cells_copied_from_a_spreadsheet_are_read_as_a_table() -> None:
    parsed = roster.parse_email_list("Name\tEmail\tCountry\nAna Pérez\tana@example.org\tChile\n")
    assert rows(parsed) == [(2, "ana@example.org", "Ana Pérez", "", "Chile")]


@pytest.mark.parametrize(
    "data",
    [
        "Email,Full name,Organisation,Country\r\nana@example.org,Ana Pérez,DCI,Chile\r\n",
        "\ufeffName;E-mail;Organization;Country\nAna Pérez;ana@example.org;DCI;Chile\n",
        "First name,Last name,Email address,Agency,Country\nAna,Pérez,ana@example.org,DCI,Chile\n",
        "Ana Pérez,ana@example.org,DCI,Chile\n",
        "\n\nAna Pérez,ana@example.org,DCI,Chile,,\n",
    ],
)
def test_csv_rosters_with_or_without_a_header(data: str) -> None:
    parsed = roster.parse_csv(data.encode("utf-8"))
    assert [(r.email, r.name, r.organisation, r.country) for r in parsed.rows] == [
        ("ana@example.org", "Ana Pérez", "DCI", "Chile")
    ]
    assert parsed.errors == ()


def test_csv_problems_name_their_line() -> None:
    data = (
        "Name,Email,Organisation,Country\n"
        'Ana,ana@example.org,"DCI,\nNairobi",Kenya\n'  # a cell over two lines: the next row is line 4
        "Bob,bob@,DCI,Kenya\n"
        f"{'x' * 201},long@example.org,,\n"
        ",,DCI,\n"
        "Cem,ana@example.org,,\n"
    )
    parsed = roster.parse_csv(data.encode())
    assert errors(parsed) == [
        (4, RowProblem.BAD_EMAIL),
        (5, RowProblem.TOO_LONG),
        (6, RowProblem.NO_EMAIL),
        (7, RowProblem.DUPLICATE),
    ]
    assert parsed.errors[1].detail == "name" and rows(parsed)[0][3] == "DCI, Nairobi"
    assert errors(roster.parse_csv(b"Ana,ana@example.org,DCI,Kenya,what is this\n")) == [
        (1, RowProblem.TOO_MANY_COLUMNS)
    ]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("Name,Email\nAna,ana@example.org\n".encode("utf-16"), FileProblem.NOT_UTF8),
        ("Ana;ana@example.org\n".encode("cp1252") + b"Jos\xe9;jose@example.org\n", FileProblem.NOT_UTF8),
        (b"Name,Organisation\nAna,DCI\n", FileProblem.NO_EMAIL_COLUMN),
        (b"", FileProblem.EMPTY),
        (("x@example.org\n" * (roster.MAX_ROWS + 1)).encode(), FileProblem.TOO_MANY_ROWS),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(data: bytes, problem: FileProblem) -> None:
    parsed = roster.parse_csv(data)
    assert parsed.problem is problem and parsed.rows == ()


def test_rows_survive_the_trip_through_the_preview_and_forgeries_do_not() -> None:
    parsed = roster.parse_email_list("Ana Pérez <ana@example.org>\nbob@example.org")
    again = roster.from_json(roster.to_json(parsed.rows))
    assert again is not None and again.rows == parsed.rows
    for forged in (
        "[",
        "{}",
        '[{"line": "1"}]',
        '[{"line":1,"email":5,"name":"","organisation":"","country":""}]',
    ):
        assert roster.from_json(forged) is None


@pytest.fixture
def setting(dbsession: Any) -> tuple[User, Any]:
    accounts.configure_hasher(1, 8192)
    trainer = accounts.register(
        dbsession,
        email="t@example.org",
        full_name="T",
        organisation="",
        country="",
        password=PASSWORD,
        role=Role.INSTRUCTOR,
    )
    return trainer, cohorts.create_cohort(
        dbsession, trainer, cohorts.CohortSettings(title="W", module_ids=("m",))
    )


def person(session: Any, email: str, **fields: Any) -> User:
    return accounts.register(
        session,
        email=email,
        full_name=fields.get("name", "Existing Person"),
        organisation="",
        country="",
        password=PASSWORD,
    )


def test_plan_says_what_each_row_does(dbsession: Any, setting: Any) -> None:
    trainer, cohort = setting
    inside, outside = person(dbsession, "in@example.org"), person(dbsession, "out@example.org")
    cohorts.enrol(dbsession, cohort, inside.id, "code")
    parsed = roster.parse_email_list("in@example.org\nout@example.org\nnew@example.org\nt@example.org")
    plan = bulk_enrol.plan(dbsession, cohort, parsed)
    assert [(p.row.email, p.outcome) for p in plan.rows] == [
        ("in@example.org", RowOutcome.ALREADY),
        ("out@example.org", RowOutcome.ENROL),
        ("new@example.org", RowOutcome.CREATE),
    ]
    assert [(e.line, e.problem) for e in plan.errors] == [(4, RowProblem.INSTRUCTOR)] and not plan.ok
    assert outside.id == plan.rows[1].user.id


def test_import_creates_enrols_and_issues_hashed_links(dbsession: Any, setting: Any) -> None:
    trainer, cohort = setting
    person(dbsession, "known@example.org")
    parsed = roster.parse_csv(
        b"Name,Email,Organisation,Country\nNew One,new@example.org,DCI,Kenya\n,known@example.org,,\n"
    )
    result = bulk_enrol.apply(dbsession, trainer, cohort, parsed)
    assert [u.email for u, _t in result.created] == ["new@example.org"] and [
        u.email for u in result.enrolled
    ] == ["known@example.org"]
    new, token = result.created[0]
    assert (new.full_name, new.organisation, new.country, new.role) == ("New One", "DCI", "Kenya", "learner")
    assert not accounts.check_password(new, token) and not accounts.check_password(new, "")
    stored = dbsession.scalar(select(PasswordToken).where(PasswordToken.user_id == new.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash
    assert cohorts.learner_count(dbsession, cohort.id) == 2


def test_a_refused_import_writes_nothing(dbsession: Any, setting: Any) -> None:
    trainer, cohort = setting
    cohort.capacity = 1
    users = dbsession.scalar(select(func.count()).select_from(User))
    with pytest.raises(bulk_enrol.ImportRefused) as refused:
        bulk_enrol.apply(dbsession, trainer, cohort, roster.parse_email_list("a@example.org\nb@example.org"))
    assert refused.value.plan.problem is FileProblem.OVER_CAPACITY and refused.value.plan.places_left == 1
    with pytest.raises(bulk_enrol.ImportRefused):
        bulk_enrol.apply(dbsession, trainer, cohort, roster.parse_email_list("a@example.org\nnope"))
    assert dbsession.scalar(select(func.count()).select_from(User)) == users
    assert dbsession.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_set_password_links_work_once_and_expire(dbsession: Any, setting: Any) -> None:
    trainer, cohort = setting
    result = bulk_enrol.apply(dbsession, trainer, cohort, roster.parse_email_list("new@example.org"))
    user, token = result.created[0]
    assert password_links.account_for(dbsession, token) is user
    assert password_links.account_for(dbsession, token + "x") is None
    later = utcnow() + timedelta(days=password_links.LINK_DAYS + 1)
    assert password_links.use(dbsession, token, PASSWORD, now=later) is None  # expired
    version = user.session_version
    assert password_links.use(dbsession, token, PASSWORD) is user
    assert accounts.check_password(user, PASSWORD) and user.session_version == version + 1
    assert password_links.use(dbsession, token, "another-long-passphrase-7") is None
    assert not password_links.may_issue(dbsession, user)
    assert bulk_enrol.new_link(dbsession, trainer, cohort, user) is None


def test_a_new_link_cancels_the_old_one(dbsession: Any, setting: Any) -> None:
    trainer, cohort = setting
    user, first = bulk_enrol.apply(
        dbsession, trainer, cohort, roster.parse_email_list("new@example.org")
    ).created[0]
    assert password_links.pending_accounts(dbsession, [user.id]).keys() == {user.id}
    second = bulk_enrol.new_link(dbsession, trainer, cohort, user)
    assert second and second != first
    assert password_links.account_for(dbsession, first) is None
    assert password_links.account_for(dbsession, second) is user
    registered = person(dbsession, "self@example.org")
    assert not password_links.may_issue(dbsession, registered)  # never a link for someone else's own account
