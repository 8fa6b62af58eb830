"""Cohorts in the domain, without Flask: join codes, joining, pass marks, attendance, grid, analysis, CSV."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from course import accounts, cohorts
from course.cohorts import exports as cohort_exports
from course.cohorts import progress as cohort_progress
from course.content import Catalogue, Module, load_catalogue
from course.credentials import eligibility
from course.learning import attempts, progress
from course.learning.progress import ModuleStatus
from course.learning.quiz import Question
from course.models import AttendanceStatus, AuditEvent, Cohort, Role, User
from tests.conftest import PASSWORD
from tests.course.content.contenttree import write_tree


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Catalogue:
    """Three small modules (two lessons, three questions each) and a path 'all' over them."""
    return load_catalogue(write_tree(tmp_path_factory.mktemp("content"), modules=3))


@pytest.fixture
def people(dbsession: Any) -> Callable[..., User]:
    counter = iter(range(1, 1000))

    def make(name: str = "", role: Role = Role.LEARNER) -> User:
        n = next(counter)
        return accounts.register(
            dbsession,
            email=f"person{n}@example.org",
            full_name=name or f"Person {n}",
            organisation="",
            country="",
            password=PASSWORD,
            role=role,
        )

    return make


def new_cohort(session: Any, instructor: User, **settings: Any) -> Cohort:
    settings.setdefault("module_ids", ("mod-1", "mod-2"))
    return cohorts.create_cohort(session, instructor, cohorts.CohortSettings(title="Workshop", **settings))


def take(
    session: Any,
    user: User,
    module: Module,
    choose: Callable[[Question], list[str]],
    pass_mark: int | None = None,
) -> Any:
    attempt = attempts.start_attempt(
        session, user.id, module, pass_mark=pass_mark, rng=random.Random(user.id)
    )
    answers = {item["q"]: choose(module.question_pool[item["q"]]) for item in attempt.shown}
    return attempts.submit(session, attempt, module, answers)


def right(question: Question) -> list[str]:
    return sorted(question.correct_ids)


def wrong(question: Question) -> list[str]:
    return [next(o.id for o in question.options if not o.is_correct)]


def complete_lessons(session: Any, user: User, module: Module) -> None:
    for lesson in module.lessons:
        progress.complete_lesson(session, user.id, module, lesson)


# --- join codes and joining ---------------------------------------------------------


def test_join_codes_are_random_readable_and_forgiving() -> None:
    codes = {cohorts.new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 10 and set(c) <= set(cohorts.JOIN_CODE_ALPHABET) for c in codes)
    assert not set("01OILU") & set(cohorts.JOIN_CODE_ALPHABET)
    assert cohorts.format_code("ABCDEFGHJK") == "ABCDE-FGHJK"
    assert cohorts.normalise_code(" abcde-fghjk ") == cohorts.normalise_code("ABCDE FGHJK") == "ABCDEFGHJK"


def test_join_outcomes(dbsession: Any, people: Any) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, capacity=1)
    first, second = people(), people()
    assert cohorts.join(dbsession, first, "nope", "10.0.0.1").outcome is cohorts.JoinOutcome.UNKNOWN
    assert (
        cohorts.join(dbsession, trainer, cohort.join_code, "10.0.0.1").outcome
        is cohorts.JoinOutcome.INSTRUCTOR
    )
    joined = cohorts.join(dbsession, first, cohorts.format_code(cohort.join_code).lower(), "10.0.0.1")
    assert joined.outcome is cohorts.JoinOutcome.JOINED and joined.cohort is cohort
    assert cohorts.join(dbsession, first, cohort.join_code, "10.0.0.1").outcome is cohorts.JoinOutcome.ALREADY
    assert cohorts.join(dbsession, second, cohort.join_code, "10.0.0.1").outcome is cohorts.JoinOutcome.FULL
    cohorts.set_join_open(dbsession, trainer, cohort, False)
    assert cohorts.join(dbsession, second, cohort.join_code, "10.0.0.1").outcome is cohorts.JoinOutcome.CLOSED
    assert cohorts.learner_count(dbsession, cohort.id) == 1


def test_failed_codes_are_throttled_per_account_and_per_address(dbsession: Any, people: Any) -> None:
    cohort = new_cohort(dbsession, people(role=Role.INSTRUCTOR))
    guesser = people()
    for _ in range(cohorts.JOIN_LIMIT_PER_ACCOUNT):
        assert (
            cohorts.join(dbsession, guesser, cohorts.new_join_code(), "10.0.0.1").outcome
            is cohorts.JoinOutcome.UNKNOWN
        )
    assert (
        cohorts.join(dbsession, guesser, cohort.join_code, "10.0.0.2").outcome
        is cohorts.JoinOutcome.THROTTLED
    )
    # many accounts from one address: the address limit stops them too
    for _ in range(cohorts.JOIN_LIMIT_PER_ADDRESS - cohorts.JOIN_LIMIT_PER_ACCOUNT):
        cohorts.join(dbsession, people(), "WRONGWRONG", "10.0.0.1")
    assert (
        cohorts.join(dbsession, people(), cohort.join_code, "10.0.0.1").outcome
        is cohorts.JoinOutcome.THROTTLED
    )
    assert (
        cohorts.join(dbsession, people(), cohort.join_code, "10.0.0.3").outcome is cohorts.JoinOutcome.JOINED
    )


def test_regenerating_the_code_retires_the_old_one(dbsession: Any, people: Any) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer)
    old = cohort.join_code
    new = cohorts.regenerate_join_code(dbsession, trainer, cohort)
    assert new != old
    assert cohorts.join(dbsession, people(), old, "a").outcome is cohorts.JoinOutcome.UNKNOWN
    assert cohorts.join(dbsession, people(), new, "a").outcome is cohorts.JoinOutcome.JOINED


def test_instructors_admins_and_learners(dbsession: Any, people: Any) -> None:
    trainer, colleague, admin, learner = (
        people(role=Role.INSTRUCTOR),
        people(role=Role.INSTRUCTOR),
        people(role=Role.ADMIN),
        people(),
    )
    cohort = new_cohort(dbsession, trainer)
    other = new_cohort(dbsession, colleague)
    cohorts.enrol(dbsession, cohort, learner.id, "code")
    assert cohorts.is_instructor_of(dbsession, cohort.id, trainer)
    assert not cohorts.is_instructor_of(dbsession, cohort.id, colleague)
    assert cohorts.is_instructor_of(dbsession, cohort.id, admin)
    assert not cohorts.is_instructor_of(dbsession, cohort.id, learner)
    assert [s.cohort for s in cohorts.managed_cohorts(dbsession, trainer)] == [cohort]
    assert {s.cohort.id for s in cohorts.managed_cohorts(dbsession, admin)} == {cohort.id, other.id}
    assert [s.learners for s in cohorts.managed_cohorts(dbsession, trainer)] == [1]
    assert cohorts.learner_cohorts(dbsession, learner.id) == [cohort]
    with pytest.raises(cohorts.InstructorRefused, match="not_instructor"):
        cohorts.add_instructor(dbsession, trainer, cohort, learner.email)
    cohorts.add_instructor(dbsession, trainer, cohort, colleague.email)
    with pytest.raises(cohorts.InstructorRefused, match="already"):
        cohorts.add_instructor(dbsession, trainer, cohort, colleague.email)
    cohorts.remove_instructor(dbsession, colleague, cohort, trainer.id)
    with pytest.raises(cohorts.InstructorRefused, match="last"):
        cohorts.remove_instructor(dbsession, colleague, cohort, colleague.id)


def test_cohort_pass_mark_covers_its_modules_and_the_strictest_wins(
    dbsession: Any, people: Any, catalogue: Catalogue
) -> None:
    trainer, learner = people(role=Role.INSTRUCTOR), people()
    lenient = new_cohort(dbsession, trainer, module_ids=("mod-1",), pass_mark=60)
    by_path = new_cohort(dbsession, trainer, path_id="all", pass_mark=90)
    no_mark = new_cohort(dbsession, trainer, module_ids=("mod-3",))
    cohorts.enrol(dbsession, lenient, learner.id, "code")
    assert cohorts.pass_mark_for(dbsession, catalogue, learner.id, "mod-1") == 60
    assert cohorts.pass_mark_for(dbsession, catalogue, learner.id, "mod-2") is None
    cohorts.enrol(dbsession, no_mark, learner.id, "code")
    assert cohorts.pass_mark_for(dbsession, catalogue, learner.id, "mod-3") is None
    cohorts.enrol(dbsession, by_path, learner.id, "code")
    assert cohorts.pass_mark_for(dbsession, catalogue, learner.id, "mod-1") == 90
    assert cohorts.pass_mark_for(dbsession, catalogue, learner.id, "mod-3") == 90
    assert [m.id for m in cohorts.cohort_modules(catalogue, by_path)] == ["mod-1", "mod-2", "mod-3"]


def test_settings_apply_and_report_what_changed(dbsession: Any, people: Any) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, location=" Room 4 ")
    assert cohort.location == "Room 4" and cohort.module_ids == ["mod-1", "mod-2"]
    settings = cohorts.CohortSettings.of(cohort)
    assert cohorts.update_cohort(dbsession, trainer, cohort, settings) == []
    changed = cohorts.update_cohort(
        dbsession,
        trainer,
        cohort,
        cohorts.CohortSettings(title="Workshop", path_id="all", module_ids=("mod-1",)),
    )
    assert changed == ["path_id", "module_ids", "location"] and cohort.module_ids == []


# --- attendance ---------------------------------------------------------------------


def test_attendance_share_counts_held_meetings_less_excused_as_the_certificate_does(
    dbsession: Any, people: Any
) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, min_attendance=75)
    ana, ben, cem, outsider = people("Ana"), people("Ben"), people("Cem"), people("Outsider")
    for user in (ana, ben, cem):
        cohorts.enrol(dbsession, cohort, user.id, "code")

    def meeting(day: int) -> Any:
        when = datetime(2026, 3, day, 9, tzinfo=UTC)
        return cohorts.add_meeting(dbsession, trainer, cohort, cohorts.MeetingDetails(f"Day {day}", when))

    one, two, three, later = meeting(2), meeting(3), meeting(4), meeting(9)
    present, absent, excused = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED
    marks = {ana.id: present, ben.id: present, outsider.id: present}
    assert cohorts.mark_attendance(dbsession, trainer, one, marks) == 2  # the outsider is ignored
    cohorts.mark_attendance(dbsession, trainer, two, {ana.id: present, ben.id: absent})
    cohorts.mark_attendance(dbsession, trainer, three, {ana.id: excused, ben.id: absent})
    assert (
        cohorts.mark_attendance(dbsession, trainer, three, {ana.id: excused, ben.id: present}) == 1
    )  # a correction
    now = datetime(2026, 3, 5, 12, tzinfo=UTC)
    table = cohorts.attendance_table(dbsession, cohort, now)
    assert [m.id for m in table.held] == [one.id, two.id, three.id] and later in table.meetings
    assert table.share(ana.id) == 100.0  # 2 present of 2 counted (one excused)
    assert table.share(ben.id) == 66.7  # 2 of 3
    assert table.share(cem.id) == 0.0  # never marked: absent
    assert table.present_count(three.id) == 1
    assert [cohorts.meets_min_attendance(table, cohort, u.id) for u in (ana, ben, cem)] == [
        True,
        False,
        False,
    ]
    assert outsider.id not in {u.id for u in table.learners}
    for user in (ana, ben, cem):  # the same figures as the certificate's rule
        rule = eligibility.attendance_share(dbsession, cohort, user.id, now)
        assert rule.percent == round(table.share(user.id)) and rule.is_met == cohorts.meets_min_attendance(
            table, cohort, user.id
        )
    before = cohorts.attendance_table(dbsession, cohort, datetime(2026, 3, 1, tzinfo=UTC))
    assert before.share(ana.id) is None and not cohorts.meets_min_attendance(before, cohort, ana.id)


# --- time zones -----------------------------------------------------------------------


def nairobi_meeting(session: Any, trainer: User, cohort: Cohort, title: str, day: int, hour: int) -> Any:
    """A meeting typed as `hour`:00 on `day` March 2026, on the cohort's clock."""
    when = cohorts.to_instant(cohort.timezone, datetime(2026, 3, day, hour))
    return cohorts.add_meeting(session, trainer, cohort, cohorts.MeetingDetails(title, when))


def test_a_nairobi_meeting_at_nine_is_stored_as_six_utc_and_held_from_then(
    dbsession: Any, people: Any
) -> None:
    trainer, ana = people(role=Role.INSTRUCTOR), people("Ana")
    cohort = new_cohort(dbsession, trainer, timezone="Africa/Nairobi", min_attendance=100)
    cohorts.enrol(dbsession, cohort, ana.id, "code")
    first = nairobi_meeting(dbsession, trainer, cohort, "Day 1", 2, 9)
    second = nairobi_meeting(dbsession, trainer, cohort, "Day 2", 3, 9)
    cohorts.mark_attendance(dbsession, trainer, first, {ana.id: AttendanceStatus.PRESENT})
    cohorts.mark_attendance(dbsession, trainer, second, {ana.id: AttendanceStatus.ABSENT})
    dbsession.commit()
    dbsession.expire_all()

    stored = dbsession.get(type(second), second.id).starts_at
    assert stored == datetime(2026, 3, 3, 6, tzinfo=UTC)
    assert cohorts.local_time(cohort.timezone, stored).strftime("%H:%M %Z") == "09:00 EAT"

    def share(now: datetime) -> float | None:
        table = cohorts.attendance_table(dbsession, cohort, now)
        rule = eligibility.attendance_share(dbsession, cohort, ana.id, now)
        assert rule.percent == (None if table.share(ana.id) is None else round(table.share(ana.id)))
        assert rule.is_met == cohorts.meets_min_attendance(table, cohort, ana.id)
        return table.share(ana.id)

    assert share(datetime(2026, 3, 3, 5, 59, tzinfo=UTC)) == 100.0  # 08:59 in Nairobi: day 2 not begun
    assert share(datetime(2026, 3, 3, 6, 0, tzinfo=UTC)) == 50.0  # 09:00 in Nairobi: day 2 is held
    assert share(datetime(2026, 3, 3, 8, 59, tzinfo=UTC)) == 50.0  # not three hours late


def test_a_bogota_meeting_is_not_held_five_hours_early(dbsession: Any, people: Any) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, timezone="America/Bogota")
    meeting = nairobi_meeting(dbsession, trainer, cohort, "Day 1", 3, 9)
    assert meeting.starts_at == datetime(2026, 3, 3, 14, tzinfo=UTC)
    assert cohorts.attendance_table(dbsession, cohort, datetime(2026, 3, 3, 9, tzinfo=UTC)).held == ()
    assert cohorts.attendance_table(dbsession, cohort, datetime(2026, 3, 3, 14, tzinfo=UTC)).held == (
        meeting,
    )


def test_a_skipped_local_time_is_refused_and_a_repeated_one_is_its_first_occurrence() -> None:
    with pytest.raises(cohorts.NonexistentLocalTime) as refused:
        cohorts.to_instant("America/New_York", datetime(2026, 3, 8, 2, 30))  # clocks go 02:00 -> 03:00
    assert refused.value.zone == "America/New_York" and refused.value.local == datetime(2026, 3, 8, 2, 30)
    with pytest.raises(cohorts.NonexistentLocalTime):
        cohorts.to_instant("Europe/Paris", datetime(2026, 3, 29, 2, 0))
    # 01:30 happens twice on 1 November (EDT, then EST): the first, at UTC-4
    assert cohorts.to_instant("America/New_York", datetime(2026, 11, 1, 1, 30)) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    assert cohorts.to_instant("America/New_York", datetime(2026, 3, 8, 3, 0)) == datetime(
        2026, 3, 8, 7, tzinfo=UTC
    )


@pytest.mark.parametrize(
    # Vietnam's zone is Asia/Ho_Chi_Minh: IANA has no Asia/Hanoi.
    "name",
    ["Mars/Olympus", "Asia/Hanoi", "africa/nairobi", "Africa/Nairobi ", "localtime", "../UTC", ""],
)
def test_an_unknown_time_zone_is_refused_and_changes_nothing(dbsession: Any, people: Any, name: str) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    with pytest.raises(cohorts.UnknownTimezone):
        new_cohort(dbsession, trainer, timezone=name)
    cohort = new_cohort(dbsession, trainer, timezone="Asia/Ho_Chi_Minh")
    nairobi_meeting(dbsession, trainer, cohort, "Day 1", 3, 9)
    settings = cohorts.CohortSettings.of(cohort)
    with pytest.raises(cohorts.UnknownTimezone):
        cohorts.update_cohort(
            dbsession, trainer, cohort, cohorts.CohortSettings(**{**vars(settings), "timezone": name})
        )
    assert cohort.timezone == "Asia/Ho_Chi_Minh"
    assert cohorts.meetings(dbsession, cohort.id)[0].starts_at == datetime(2026, 3, 3, 2, tzinfo=UTC)
    assert "Africa/Nairobi" in cohorts.timezone_names() and "localtime" not in cohorts.timezone_names()
    offered = set(cohorts.timezone_choices())
    assert {"UTC", "Africa/Nairobi", "Asia/Ho_Chi_Minh"} <= offered <= set(cohorts.timezone_names())
    assert not {"US/Eastern", "Etc/GMT+3", "Cuba", "Asia/Saigon"} & offered


def test_changing_the_zone_keeps_each_meetings_local_time(dbsession: Any, people: Any) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer)  # UTC, as every cohort made before zones
    assert cohort.timezone == "UTC"
    day1 = nairobi_meeting(dbsession, trainer, cohort, "Day 1", 2, 9)
    day2 = nairobi_meeting(dbsession, trainer, cohort, "Day 2", 3, 14)
    settings = cohorts.CohortSettings.of(cohort)
    changed = cohorts.update_cohort(
        dbsession, trainer, cohort, cohorts.CohortSettings(**{**vars(settings), "timezone": "Africa/Nairobi"})
    )
    assert changed == ["timezone"] and cohort.timezone == "Africa/Nairobi"
    dbsession.commit()
    dbsession.expire_all()
    assert [m.starts_at for m in cohorts.meetings(dbsession, cohort.id)] == [
        datetime(2026, 3, 2, 6, tzinfo=UTC),
        datetime(2026, 3, 3, 11, tzinfo=UTC),
    ]
    walls = [cohorts.local_time(cohort.timezone, m.starts_at) for m in (day1, day2)]
    assert [(w.day, w.hour) for w in walls] == [(2, 9), (3, 14)]
    audit = dbsession.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_timezone_changed"))
    assert audit.actor_id == trainer.id and audit.target == f"cohort:{cohort.id}"
    assert audit.detail == "UTC -> Africa/Nairobi; meetings kept their local times: 2"
    assert cohorts.set_timezone(dbsession, trainer, cohort, "Africa/Nairobi") == 0  # no change, no move


def test_a_zone_change_that_would_put_a_meeting_in_a_skipped_hour_changes_nothing(
    dbsession: Any, people: Any
) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, timezone="Africa/Nairobi")
    fine = nairobi_meeting(dbsession, trainer, cohort, "Day 1", 7, 9)
    early = cohorts.add_meeting(
        dbsession,
        trainer,
        cohort,
        cohorts.MeetingDetails(
            "Night call", cohorts.to_instant("Africa/Nairobi", datetime(2026, 3, 8, 2, 30))
        ),
    )
    before = (fine.starts_at, early.starts_at)
    with pytest.raises(cohorts.NonexistentLocalTime) as refused:
        cohorts.set_timezone(dbsession, trainer, cohort, "America/New_York")
    assert refused.value.meeting is early and refused.value.zone == "America/New_York"
    assert cohort.timezone == "Africa/Nairobi" and (fine.starts_at, early.starts_at) == before
    assert dbsession.scalar(select(AuditEvent).where(AuditEvent.action == "cohort_timezone_changed")) is None


def test_exports_write_times_on_the_cohorts_clock_with_the_offset(dbsession: Any, people: Any) -> None:
    trainer, ana = people(role=Role.INSTRUCTOR), people("Ana")
    cohort = new_cohort(dbsession, trainer, timezone="Africa/Nairobi")
    cohorts.enrol(dbsession, cohort, ana.id, "code")
    nairobi_meeting(dbsession, trainer, cohort, "Day 1", 3, 9)
    table = cohort_exports.attendance(dbsession, cohort, {})
    assert table.header[2] == "2026-03-03T09:00+03:00 Day 1"
    assert datetime.fromisoformat(table.header[2].split()[0]) == datetime(2026, 3, 3, 6, tzinfo=UTC)
    enrolled = cohort_exports.roster(dbsession, cohort, {}).rows[0][4]
    assert enrolled.endswith("+03:00")


# --- grid and analysis --------------------------------------------------------------


def test_grid_statuses_scores_totals_and_sorting(dbsession: Any, people: Any, catalogue: Catalogue) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer)
    m1, m2 = catalogue.module("mod-1"), catalogue.module("mod-2")
    done, trying, idle = people("Carla"), people("Ana"), people("Ben")
    for user in (done, trying, idle):
        cohorts.enrol(dbsession, cohort, user.id, "code")
    complete_lessons(dbsession, done, m1)
    take(dbsession, done, m1, wrong)
    take(dbsession, done, m1, right)
    take(dbsession, trying, m2, lambda q: right(q) if q.type == "single" else wrong(q))  # 1 of 3
    outsider = people("Zed")
    take(dbsession, outsider, m1, right)  # not in the cohort: not counted

    grid = cohort_progress.progress_grid(dbsession, cohort, [m1, m2])
    assert [r.user.full_name for r in grid.rows] == ["Ana", "Ben", "Carla"]
    carla, ana, ben = grid.rows[2], grid.rows[0], grid.rows[1]
    assert carla.cells[0].status == ModuleStatus.COMPLETED and carla.cells[0].quiz.best_score == 100.0
    assert carla.cells[0].quiz.attempts == 2 and carla.completed == 1 and carla.average_best == 100.0
    assert ana.cells[1].status == ModuleStatus.IN_PROGRESS and ana.cells[1].quiz.best_score == 33.3
    assert ben.cells[0].status == ModuleStatus.NOT_STARTED and ben.average_best is None and ben.percent == 0
    first, second = grid.totals
    assert (first.completed, first.in_progress, first.not_started, first.average_best) == (1, 0, 2, 100.0)
    assert (second.completed, second.in_progress, second.attempted, second.average_best) == (0, 1, 1, 33.3)

    by_score = cohort_progress.sort_rows(grid, "score", descending=True)
    assert [r.user.full_name for r in by_score.rows] == ["Carla", "Ana", "Ben"]  # no score: last
    by_m2 = cohort_progress.sort_rows(grid, "mod-2")
    assert [r.user.full_name for r in by_m2.rows] == ["Ana", "Ben", "Carla"]
    by_name = cohort_progress.sort_rows(grid, "name", descending=True)
    assert [r.user.full_name for r in by_name.rows] == ["Carla", "Ben", "Ana"]
    assert cohort_progress.sort_rows(grid, "no-such-column").rows == grid.rows


def test_question_analysis_counts_each_learners_latest_answer(
    dbsession: Any, people: Any, catalogue: Catalogue
) -> None:
    trainer = people(role=Role.INSTRUCTOR)
    cohort = new_cohort(dbsession, trainer, module_ids=("mod-1",))
    module = catalogue.module("mod-1")
    ana, ben, cem = people("Ana"), people("Ben"), people("Cem")
    for user in (ana, ben, cem):
        cohorts.enrol(dbsession, cohort, user.id, "code")
    take(dbsession, ana, module, wrong)
    take(dbsession, ana, module, right)  # Ana learned: her latest answers count
    take(dbsession, ben, module, wrong)
    take(dbsession, cem, module, lambda q: ["c"] if q.type == "single" else wrong(q))

    stats = {s.question.id: s for s in cohort_progress.question_analysis(dbsession, cohort, [module])}
    single = stats["q-single"]
    assert (single.learners, single.correct, single.share_correct) == (3, 1, 33.3)
    assert [(o.id, n) for o, n in single.wrong_choices] == [("b", 1), ("c", 1)]
    tf = stats["q-tf"]
    assert (tf.learners, tf.correct) == (3, 1) and tf.top_wrong[0].id == "true" and tf.top_wrong[1] == 2
    ordered = cohort_progress.question_analysis(dbsession, cohort, [module])
    assert ordered[0].share_correct <= ordered[-1].share_correct

    mastery = cohort_progress.provision_mastery(ordered)  # summed by the article each question asks
    art24 = mastery[24]  # asked by q-single only
    assert (art24.questions, art24.answers, art24.correct, art24.share_correct) == (1, 3, 1, 33.3)
    asked = {q.articles[0] for q in module.questions}
    assert set(mastery) == asked
    assert sum(m.answers for m in mastery.values()) == sum(s.learners for s in ordered)


def test_learner_attempts_show_each_question(dbsession: Any, people: Any, catalogue: Catalogue) -> None:
    module = catalogue.module("mod-1")
    learner = people()
    take(dbsession, learner, module, wrong, pass_mark=50)
    take(dbsession, learner, module, right, pass_mark=50)
    records = cohort_progress.learner_attempts(dbsession, learner.id, [module])
    assert [r.attempt.score for r in records] == [100.0, 0.0]
    assert {line.question.id for line in records[1].lines} == {"q-single", "q-multiple", "q-tf"}
    assert all(line.credit == 0.0 and line.chosen for line in records[1].lines)


# --- CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(start: str) -> None:
    value = f"{start}SUM(A1:A9)"
    assert cohort_exports.neutralise(value) == "'" + value
    table = cohort_exports.Table(("Name",), ((value,),))
    safe = cohort_exports.to_csv(table, safe=True)
    assert safe.startswith("\ufeff") and list(csv.reader(io.StringIO(safe[1:])))[1] == ["'" + value]
    plain = cohort_exports.to_csv(table, safe=False)
    assert list(csv.reader(io.StringIO(plain)))[1] == [value]


def test_ordinary_cells_are_left_alone() -> None:
    for value in ("Алексей Смирнов", "O'Brien", "a=b", "", "42.5", "محمد"):
        assert cohort_exports.neutralise(value) == value
