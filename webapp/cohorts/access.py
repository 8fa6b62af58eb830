"""Who may see what of a cohort. Every cohort view loads its objects through these helpers.

- instructors of the cohort and administrators manage it;
- an enrolled learner sees the learner's page of the cohort, and gets 403 on its
  instructor pages;
- anybody else gets 404: a cohort's existence is private to its people.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from course import cohorts
from course.content import Module
from course.models import Cohort, LiveQuestion, Meeting, User
from webapp import catalogue
from webapp.extensions import db


def instructor_required(view: Any) -> Any:
    """Only instructors and administrators (for pages not tied to one cohort, e.g. creating one)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_instructor:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def get_cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def managed_cohort_or_404(cohort_id: int) -> Cohort:
    """The cohort, for its instructors and administrators; 403 for its learners; 404 for others."""
    cohort = get_cohort_or_404(cohort_id)
    if cohorts.is_instructor_of(db.session, cohort.id, current_user):
        return cohort
    if cohorts.is_enrolled(db.session, cohort.id, current_user.id):
        abort(403)
    abort(404)


def member_cohort_or_404(cohort_id: int) -> tuple[Cohort, bool]:
    """The cohort and whether the user manages it; 404 unless they run it or are enrolled."""
    cohort = get_cohort_or_404(cohort_id)
    if cohorts.is_instructor_of(db.session, cohort.id, current_user):
        return cohort, True
    if cohorts.is_enrolled(db.session, cohort.id, current_user.id):
        return cohort, False
    abort(404)


def meeting_or_404(cohort: Cohort, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.cohort_id != cohort.id:
        abort(404)
    return meeting


def live_question_or_404(cohort: Cohort, live_id: int) -> LiveQuestion:
    live = db.session.get(LiveQuestion, live_id)
    if live is None or live.cohort_id != cohort.id:
        abort(404)
    return live


def learner_or_404(cohort: Cohort, user_id: int) -> User:
    """A learner of this cohort (not any account: instructors see only their own learners)."""
    user = db.session.get(User, user_id)
    if user is None or not cohorts.is_enrolled(db.session, cohort.id, user.id):
        abort(404)
    return user


def modules_of(cohort: Cohort) -> list[Module]:
    return cohorts.cohort_modules(catalogue(), cohort)
