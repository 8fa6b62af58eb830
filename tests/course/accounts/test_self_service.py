"""Sign-up with a confirmed address, and password reset, as domain functions. No Flask."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from course import accounts
from course.accounts import password_links, self_service
from course.accounts.self_service import NoticeKind
from course.models import AuditEvent, PasswordToken, User, utcnow
from tests.conftest import PASSWORD

NEW_PASSWORD = "amber-quarry-telescope-58"


def sign_up(session: Any, email: str, address: str = "10.0.0.1", **fields: Any) -> self_service.Outcome:
    return self_service.sign_up(
        session,
        email=email,
        full_name=fields.get("full_name", "  Amina   Diallo "),
        organisation=fields.get("organisation", "Police"),
        country=fields.get("country", "Senegal"),
        password=fields.get("password", PASSWORD),
        address=address,
    )


def test_a_new_address_gets_an_unconfirmed_account_and_a_confirmation_link(dbsession: Any) -> None:
    outcome = sign_up(dbsession, " New.Official@Example.org ")
    notice = outcome.notice
    assert not outcome.throttled and notice is not None and notice.kind is NoticeKind.CONFIRM_EMAIL
    user = notice.user
    assert (user.email, user.full_name, user.email_confirmed_at) == (
        "new.official@example.org",
        "Amina Diallo",
        None,
    )
    assert accounts.check_password(user, PASSWORD)
    assert self_service.confirmation_account(dbsession, notice.token) is user
    assert password_links.account_for(dbsession, notice.token, password_links.RESET_PASSWORD) is None
    assert password_links.account_for(dbsession, notice.token) is None  # not a set-password link either


def test_a_taken_address_changes_nothing_and_tells_its_owner(dbsession: Any, learner: Any) -> None:
    before = (learner.password_hash, learner.full_name, learner.session_version, learner.email_confirmed_at)
    outcome = sign_up(dbsession, "LEARNER@example.org", password="another-long-passphrase-7", full_name="X")
    assert outcome.notice == self_service.Notice(NoticeKind.ACCOUNT_EXISTS, learner)
    after = (learner.password_hash, learner.full_name, learner.session_version, learner.email_confirmed_at)
    assert after == before
    assert dbsession.scalar(select(func.count()).select_from(PasswordToken)) == 0
    learner.is_active = False
    assert sign_up(dbsession, "learner@example.org") == self_service.Outcome()  # deactivated: no mail


def test_a_sign_up_hashes_the_password_whether_or_not_the_address_is_taken(
    dbsession: Any, learner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    monkeypatch.setattr(
        self_service, "hash_password", lambda p: hashed.append(p) or accounts.hash_password(p)
    )
    sign_up(dbsession, "learner@example.org", password="first-long-passphrase-1")
    sign_up(dbsession, "fresh@example.org", password="second-long-passphrase-2")
    assert hashed == ["first-long-passphrase-1", "second-long-passphrase-2"]


def test_mails_to_one_address_are_limited_but_the_answer_is_not(dbsession: Any, learner: Any) -> None:
    notices = [
        sign_up(dbsession, "learner@example.org").notice for _ in range(self_service.MAILS_PER_RECIPIENT + 2)
    ]
    assert [n is not None for n in notices] == [True] * self_service.MAILS_PER_RECIPIENT + [False, False]


def test_a_flood_of_sign_ups_from_one_address_is_refused(dbsession: Any) -> None:
    for index in range(self_service.SIGNUP_LIMIT_PER_ADDRESS):
        assert not sign_up(dbsession, f"p{index}@example.org", address="192.0.2.7").throttled
    refused = sign_up(dbsession, "one-more@example.org", address="192.0.2.7")
    assert refused == self_service.Outcome(throttled=True)
    assert dbsession.scalar(select(User.id).where(User.email == "one-more@example.org")) is None
    assert not sign_up(dbsession, "elsewhere@example.org", address="192.0.2.8").throttled


def test_confirming_works_once_within_24_hours(dbsession: Any) -> None:
    notice = sign_up(dbsession, "new@example.org").notice
    later = utcnow() + timedelta(hours=24, minutes=1)
    assert self_service.confirm_email(dbsession, notice.token, now=later) is None
    user = self_service.confirm_email(dbsession, notice.token)
    assert user is notice.user and user.email_confirmed_at is not None and user.last_login_at is not None
    assert self_service.confirm_email(dbsession, notice.token) is None
    assert dbsession.scalar(select(AuditEvent.action)) == "email_confirmed"


def test_a_new_confirmation_link_cancels_the_old_one(dbsession: Any) -> None:
    first = sign_up(dbsession, "new@example.org").notice
    second = self_service.resend_confirmation(dbsession, first.user)
    assert second is not None and second.token != first.token
    assert self_service.confirmation_account(dbsession, first.token) is None
    assert self_service.confirm_email(dbsession, second.token) is first.user
    assert self_service.resend_confirmation(dbsession, first.user) is None  # confirmed: nothing to resend


def test_login_tells_only_the_password_holder_that_the_address_is_unconfirmed(dbsession: Any) -> None:
    sign_up(dbsession, "new@example.org")
    right = accounts.authenticate(dbsession, "new@example.org", PASSWORD, "10.0.0.1")
    assert right.outcome is accounts.LoginOutcome.UNCONFIRMED and right.user.last_login_at is None
    wrong = accounts.authenticate(dbsession, "new@example.org", "not-the-password", "10.0.0.1")
    assert wrong.outcome is accounts.LoginOutcome.INVALID


def test_accounts_made_on_someones_authority_are_confirmed(dbsession: Any, learner: Any) -> None:
    assert learner.email_confirmed_at is not None
    assert (
        accounts.authenticate(dbsession, learner.email, PASSWORD, "10.0.0.1").outcome
        is accounts.LoginOutcome.OK
    )


def test_a_reset_link_sets_the_password_once_within_an_hour(dbsession: Any, learner: Any) -> None:
    outcome = self_service.request_reset(dbsession, "Learner@Example.org ", "10.0.0.1")
    notice = outcome.notice
    assert notice.kind is NoticeKind.RESET_PASSWORD and notice.user is learner
    later = utcnow() + timedelta(hours=1, minutes=1)
    assert self_service.reset_password(dbsession, notice.token, NEW_PASSWORD, now=later) is None
    version = learner.session_version
    changed = self_service.reset_password(dbsession, notice.token, NEW_PASSWORD)
    assert changed == self_service.Notice(NoticeKind.PASSWORD_CHANGED, learner)
    assert accounts.check_password(learner, NEW_PASSWORD) and learner.session_version == version + 1
    assert self_service.reset_password(dbsession, notice.token, "yet-another-passphrase-3") is None
    assert accounts.check_password(learner, NEW_PASSWORD)
    assert dbsession.scalar(select(AuditEvent.action)) == "password_reset"


def test_a_new_reset_link_cancels_the_old_one(dbsession: Any, learner: Any) -> None:
    first = self_service.request_reset(dbsession, learner.email, "10.0.0.1").notice
    second = self_service.request_reset(dbsession, learner.email, "10.0.0.1").notice
    assert self_service.reset_account(dbsession, first.token) is None
    assert self_service.reset_account(dbsession, second.token) is learner


def test_a_reset_confirms_the_address_and_cancels_every_other_password_link(dbsession: Any) -> None:
    user = sign_up(dbsession, "new@example.org").notice.user
    roster_link = password_links.issue(dbsession, user, password_links.SET_PASSWORD)
    notice = self_service.request_reset(dbsession, "new@example.org", "10.0.0.1").notice
    self_service.reset_password(dbsession, notice.token, NEW_PASSWORD)
    assert user.email_confirmed_at is not None
    assert password_links.account_for(dbsession, roster_link) is None


def test_nobody_learns_from_a_reset_request_whether_an_account_exists(dbsession: Any, learner: Any) -> None:
    assert self_service.request_reset(dbsession, "nobody@example.org", "10.0.0.1") == self_service.Outcome()
    learner.is_active = False
    assert self_service.request_reset(dbsession, learner.email, "10.0.0.1") == self_service.Outcome()


def test_reset_requests_are_throttled_per_email_and_per_client_address(dbsession: Any, learner: Any) -> None:
    sent = [
        self_service.request_reset(dbsession, learner.email, f"10.0.1.{i}").notice is not None
        for i in range(7)
    ]
    assert sent == [True] * self_service.MAILS_PER_RECIPIENT + [False, False]
    for index in range(self_service.RESET_LIMIT_PER_ADDRESS):
        assert not self_service.request_reset(dbsession, f"x{index}@example.org", "192.0.2.9").throttled
    assert self_service.request_reset(dbsession, learner.email, "192.0.2.9") == self_service.Outcome(
        throttled=True
    )


def test_the_set_password_link_of_a_roster_account_confirms_its_address(dbsession: Any) -> None:
    user = User(email="roster@example.org", full_name="R", password_hash="x")
    dbsession.add(user)
    dbsession.flush()
    token = password_links.issue(dbsession, user)
    assert password_links.use(dbsession, token, NEW_PASSWORD) is user
    assert user.email_confirmed_at is not None
