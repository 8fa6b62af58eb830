"""Malformed input, generated: always a clear error, never a crash, nothing stored."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course.content import ContentError, load_catalogue
from course.models import QuizAttempt
from tests.conftest import csrf_token
from tests.course.content.contenttree import module_dir, write_tree

FILES = ["module.md", "01-first.md", "quiz.yaml"]
yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.text(max_size=30),
    st.lists(st.integers(-3, 100), max_size=4),
)
junk = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        ["---", "---\n---", ":::", "::: scenario\n", "[x](", "questions: [", "- {id: }", "\t", "\x00"]
    ),
)


@settings(max_examples=60, deadline=None)
@given(file=st.sampled_from(FILES), position=st.floats(0, 1), insert=junk)
def test_content_loader_reports_problems_and_never_crashes(file: str, position: float, insert: str) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        tree = write_tree(root / "content")
        path = module_dir(tree) / file
        text = path.read_text()
        cut = int(len(text) * position)
        path.write_text(text[:cut] + insert + text[cut:], encoding="utf-8", errors="surrogatepass")
        try:
            load_catalogue(tree)
        except ContentError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.path and problem.message and problem.line >= 0
    finally:
        shutil.rmtree(root)


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(
        ["id", "title", "order", "estimated_minutes", "audience", "key_articles", "objectives", "quiz"]
    ),
    value=yaml_scalars,
)
def test_any_front_matter_value_is_checked(field: str, value: Any) -> None:
    import yaml

    root = Path(tempfile.mkdtemp())
    try:
        tree = write_tree(root / "content")
        path = module_dir(tree) / "module.md"
        head, _, body = path.read_text().partition("\n---\n")
        meta = yaml.safe_load(head.removeprefix("---\n"))
        meta[field] = value
        path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body)
        try:
            load_catalogue(tree)
        except ContentError as exc:
            assert all(p.path.endswith(("module.md", "paths.yaml")) for p in exc.problems), exc.problems
    finally:
        shutil.rmtree(root)


form_values = st.one_of(st.text(max_size=20), st.sampled_from(["a", "b", "c", "d", "true", "false", ""]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.one_of(st.sampled_from([f"q{i}" for i in range(0, 13)]), st.text(max_size=8)),
        st.lists(form_values, min_size=1, max_size=3),
        max_size=14,
    )
)
def test_quiz_submission_handler_never_crashes_and_stores_nothing_bad(
    app: Any, client: Any, session: Any, logged_in: Any, data: dict[str, list[str]]
) -> None:
    if not getattr(app, "_property_user", None):
        logged_in()
        app._property_user = True
    token = csrf_token(client, "/modules/electronic-evidence/quiz")
    location = client.post("/modules/electronic-evidence/quiz", data={"csrf_token": token}).headers[
        "Location"
    ]
    form = [(key, value) for key, values in data.items() for value in values]
    response = client.post(location, data=MultiDict([*form, ("csrf_token", token)]))
    assert response.status_code in (200, 302, 400), response.status_code
    session.rollback()
    session.expire_all()
    attempt = session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    if response.status_code == 302:
        # stored only when every answer fitted the attempt: each stored answer is an option it showed
        assert attempt.status == "submitted"
        shown = {item["q"]: set(item["o"]) for item in attempt.shown}
        for question_id, chosen in attempt.answers.items():
            assert set(chosen) <= shown[question_id]
    else:
        assert attempt.status == "open" and attempt.answers is None


csv_cells = st.one_of(
    st.text(max_size=40),
    st.emails().map(str),
    st.sampled_from(
        ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", '"', '""', ";", "\t", "\r", "Email", "name"]
    ),
)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.lists(csv_cells, max_size=6), max_size=8),
    separator=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]),
)
def test_roster_csv_always_parses_into_rows_or_line_numbered_errors(
    rows: list[list[str]], separator: str, encoding: str
) -> None:
    from course.cohorts import roster

    text = "\n".join(separator.join(cell.replace("\n", " ") for cell in row) for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    parsed = roster.parse_csv(data)
    if parsed.problem is None:
        lines = max(1, len(text.splitlines()))  # CR, LF and CRLF all end a line
        for error in parsed.errors:
            assert 1 <= error.line <= lines + 1, error
        for row in parsed.rows:
            assert "@" in row.email and 1 <= row.line <= lines + 1


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=400))
def test_pasted_email_lists_never_crash(text: str) -> None:
    from course.cohorts import roster

    parsed = roster.parse_email_list(text)
    assert all(row.email for row in parsed.rows)
    assert all(error.line >= 1 for error in parsed.errors)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.one_of(
        st.text(max_size=200),
        st.builds(
            lambda r: __import__("json").dumps(r),
            st.lists(
                st.dictionaries(
                    st.sampled_from(["line", "email", "name", "organisation", "country", "x"]),
                    st.one_of(st.text(max_size=20), st.integers(-2, 5), st.none()),
                    max_size=6,
                ),
                max_size=4,
            ),
        ),
    )
)
def test_a_forged_roster_import_stores_nothing_unless_every_row_is_good(
    app: Any, client: Any, session: Any, logged_in: Any, rows: str
) -> None:
    from sqlalchemy import func

    from course import cohorts
    from course.models import Cohort, Enrolment, Role, User

    if not getattr(app, "_roster_world", None):
        trainer = logged_in(Role.INSTRUCTOR)
        with app.extensions["db"][1]() as s:
            actor = s.get(User, trainer.id)
            cohort = cohorts.create_cohort(s, actor, cohorts.CohortSettings(title="Property cohort"))
            s.commit()
            app._roster_world = cohort.id
    cohort_id = app._roster_world
    enrolled = select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == cohort_id)
    users_before, enrolled_before = (
        session.scalar(select(func.count()).select_from(User)),
        session.scalar(enrolled),
    )
    token = csrf_token(client, f"/cohorts/{cohort_id}/roster")
    response = client.post(f"/cohorts/{cohort_id}/roster/import", data={"csrf_token": token, "rows": rows})
    assert response.status_code in (200, 302, 400, 409), response.status_code
    session.rollback()
    if response.status_code != 302:
        assert session.scalar(select(func.count()).select_from(User)) == users_before
        assert session.scalar(enrolled) == enrolled_before
    assert session.get(Cohort, cohort_id) is not None
