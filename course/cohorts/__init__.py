"""Cohorts: trainer-led sessions, who runs them, who is in them, their meetings and attendance.

An instructor runs a cohort with any co-instructors; administrators may manage
every cohort. Learners join with the cohort's join code (random, from an
alphabet without look-alike characters, read aloud as two groups of five),
which the instructor can close or replace; failed codes are throttled per
account and per address in the database, so guessing is slow on every worker.

Time zones: every cohort has one (an IANA name such as Africa/Nairobi; UTC by
default). Instructors type a meeting's day and time in the cohort's zone; it is
stored as the true UTC instant, so "held", "upcoming" and every comparison with
now are right wherever the server runs: a 09:00 meeting in Nairobi (UTC+3) is
stored as 06:00 UTC and counts as held from 06:00 UTC. Pages and exports show it
back in the cohort's zone, with the zone named. A local time that does not exist
(the hour skipped when clocks go forward) is refused; one that happens twice (the
hour repeated when they go back) means the first of the two (fold=0). Changing a
cohort's zone keeps every meeting at the local time it was typed as, so the
meetings' instants move (set_timezone).

Meetings stored before cohorts had zones were typed as local times and kept "as
if UTC"; their cohorts got the UTC zone, so they read back exactly as before.

A new cohort's zone is one of the current names (timezone_choices: UTC and the
tz database's zone.tab), not an old alias such as US/Eastern or Asia/Saigon; a
cohort saved earlier under an alias keeps it, since every known name stays valid.
Every time on a cohort's pages (meetings, live questions, quiz submissions,
enrolments) is shown in its zone; pages outside cohorts show UTC, named.

Attendance share, for a learner: meetings marked present divided by the meetings
held so far (started), not counting those the learner was excused from; a learner
not marked at a held meeting counts as absent. This is the rule the certificate
applies (course/credentials/eligibility.attendance_share); AttendanceTable computes it for a
whole cohort at once.
"""

from course.cohorts.cohort import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    CohortSettings,
    cohort_modules,
    covers,
    create_cohort,
    delete_cohort,
    format_code,
    modules_in_scope,
    new_join_code,
    normalise_code,
    regenerate_join_code,
    set_join_open,
    set_timezone,
    target,
    update_cohort,
)
from course.cohorts.meetings import (
    AttendanceTable,
    MeetingDetails,
    add_meeting,
    attendance_marks,
    attendance_table,
    delete_meeting,
    mark_attendance,
    meetings,
    meets_min_attendance,
    update_meeting,
)
from course.cohorts.membership import (
    JOIN_LIMIT_PER_ACCOUNT,
    JOIN_LIMIT_PER_ADDRESS,
    JOIN_WINDOW,
    CohortSummary,
    InstructorRefused,
    JoinOutcome,
    JoinResult,
    add_instructor,
    enrol,
    enrolled_anywhere,
    has_enrolments,
    instructors,
    is_enrolled,
    is_instructor_of,
    join,
    learner_cohorts,
    learner_count,
    learners,
    lock,
    managed_cohorts,
    pass_mark_for,
    places_left,
    remove_instructor,
    remove_learner,
)
from course.cohorts.timezones import (
    DEFAULT_TIMEZONE,
    NonexistentLocalTime,
    UnknownTimezone,
    is_timezone,
    local_time,
    timezone_choices,
    timezone_names,
    to_instant,
    zone,
)

__all__ = [
    "AttendanceTable",
    "CohortSettings",
    "CohortSummary",
    "DEFAULT_TIMEZONE",
    "InstructorRefused",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "JOIN_LIMIT_PER_ACCOUNT",
    "JOIN_LIMIT_PER_ADDRESS",
    "JOIN_WINDOW",
    "JoinOutcome",
    "JoinResult",
    "MeetingDetails",
    "NonexistentLocalTime",
    "UnknownTimezone",
    "add_instructor",
    "add_meeting",
    "attendance_marks",
    "attendance_table",
    "cohort_modules",
    "covers",
    "create_cohort",
    "delete_cohort",
    "delete_meeting",
    "enrol",
    "enrolled_anywhere",
    "format_code",
    "has_enrolments",
    "instructors",
    "is_enrolled",
    "is_instructor_of",
    "is_timezone",
    "join",
    "learner_cohorts",
    "learner_count",
    "learners",
    "local_time",
    "lock",
    "managed_cohorts",
    "mark_attendance",
    "meetings",
    "meets_min_attendance",
    "modules_in_scope",
    "new_join_code",
    "normalise_code",
    "pass_mark_for",
    "places_left",
    "regenerate_join_code",
    "remove_instructor",
    "remove_learner",
    "set_join_open",
    "set_timezone",
    "target",
    "timezone_choices",
    "timezone_names",
    "to_instant",
    "update_cohort",
    "update_meeting",
    "zone",
]
