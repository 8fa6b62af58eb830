"""Registration with a confirmed address, and password reset, through the pages and the mails they send.

No page says whether an address has an account: registration and "forgot your
password" answer the same either way, and only the address's owner learns it, by
mail. Mails land in each test's own outbox folder (tests/conftest.py `config`).
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from course.accounts import self_service
from course.models import AuditEvent, PasswordToken, User, utcnow
from tests.conftest import (
    PASSWORD,
    confirm_by_mail,
    csrf_token,
    finished,
    login,
    mail_link,
    mail_text,
    outbox,
)
from webapp.mail import wait_for_delivery

NEW_PASSWORD = "amber-quarry-telescope-58"
CSRF_VALUE = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+"')


def register(client: Any, email: str, next_target: str | None = None, **fields: str) -> Any:
    data = {
        "email": email,
        "full_name": "Amina Diallo",
        "organisation": "Police Judiciaire",
        "country": "Senegal",
        "password": PASSWORD,
        "confirm": PASSWORD,
        **fields,
    }
    data["csrf_token"] = csrf_token(client, "/register")
    query = {"next": next_target} if next_target else None
    return finished(client.post("/register", data=data, query_string=query))


def forgot(client: Any, email: str, **environ: Any) -> Any:
    token = csrf_token(client, "/password/forgot")
    return finished(
        client.post("/password/forgot", data={"email": email, "csrf_token": token}, environ_base=environ)
    )


def choose_password(client: Any, path: str, password: str = NEW_PASSWORD, again: str | None = None) -> Any:
    token = csrf_token(client, path)
    data = {"password": password, "confirm": again or password, "csrf_token": token}
    return finished(client.post(path, data=data))


def comparable(response: Any, email: str) -> tuple[int, str, list[tuple[str, str]]]:
    """Status, page and headers, with the CSRF token and the address typed taken out."""
    body = CSRF_VALUE.sub(r'\1"', response.get_data(as_text=True)).replace(email, "EMAIL")
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Set-Cookie")
    return response.status_code, body, headers


def mails_to(app: Any, email: str) -> list[Any]:
    return [m for m in outbox(app) if m["To"] == email]


def test_registration_answers_the_same_for_a_new_and_a_taken_address(
    app: Any, session: Any, make_user: Any
) -> None:
    owner = make_user(email="taken01@example.org", full_name="Existing Owner")
    new = register(app.test_client(), "fresh01@example.org")
    taken = register(app.test_client(), "taken01@example.org", full_name="Someone Else")
    assert new.status_code == taken.status_code == 200
    assert comparable(new, "fresh01@example.org") == comparable(taken, "taken01@example.org")
    assert ("Set-Cookie" in new.headers) == ("Set-Cookie" in taken.headers)
    page = new.get_data(as_text=True)
    assert "Check your email" in page and "fresh01@example.org" in page and "24 hours" in page
    assert "spam" in page and new.headers["Cache-Control"] == "no-store"

    session.rollback()
    created = session.scalar(select(User).where(User.email == "fresh01@example.org"))
    assert created.email_confirmed_at is None
    kept = session.get(User, owner.id)
    assert (kept.full_name, kept.password_hash, kept.session_version) == (
        "Existing Owner",
        owner.password_hash,
        owner.session_version,
    )

    [confirm] = mails_to(app, "fresh01@example.org")
    assert confirm["Subject"] == "Confirm your email address"
    assert "Hello Amina Diallo," in mail_text(confirm) and "24 hours" in mail_text(confirm)
    [exists] = mails_to(app, "taken01@example.org")
    assert exists["Subject"] == "You already have an account"
    text = mail_text(exists)
    assert "Hello Existing Owner," in text and "Someone, perhaps you" in text
    assert mail_link(exists, "/login") and mail_link(exists, "/password/forgot")
    assert "/email/confirm/" not in text and "/password/reset/" not in text  # no link that changes anything


def test_no_mail_content_or_token_reaches_the_page(app: Any, client: Any, make_user: Any) -> None:
    make_user(email="owner@example.org")
    pages = [
        register(client, "new@example.org").get_data(as_text=True),
        register(client, "owner@example.org").get_data(as_text=True),
        forgot(client, "owner@example.org").get_data(as_text=True),
    ]
    tokens = [re.search(r"/(?:email/confirm|password/reset)/([\w-]+)", mail_text(m)) for m in outbox(app)]
    secrets = [t.group(1) for t in tokens if t]
    assert len(secrets) == 2
    for page in pages:
        assert not any(secret in page for secret in secrets)
        assert "/email/confirm/" not in page and "/password/reset/" not in page
        assert "Someone, perhaps you" not in page and "Hello " not in page


def test_mail_goes_out_only_once_the_response_is_closed(app: Any, client: Any) -> None:
    token = csrf_token(client, "/password/forgot")
    make = app.extensions["db"][1]
    with make() as s:
        from course import accounts

        accounts.register(
            s, email="a@example.org", full_name="A", organisation="", country="", password=PASSWORD
        )
        s.commit()
    response = client.post("/password/forgot", data={"email": "a@example.org", "csrf_token": token})
    assert response.status_code == 200 and outbox(app) == []  # the page is out; the mail is not yet
    response.get_data()
    response.close()
    assert [m["To"] for m in outbox(app)] == ["a@example.org"]


def test_confirming_takes_a_button_press_and_then_logs_in(app: Any, client: Any, session: Any) -> None:
    register(client, "new@example.org", next_target="/cohorts/join/ABCDE23456")
    path = mail_link(mails_to(app, "new@example.org")[0], "/email/confirm/")
    assert path.endswith("?next=/cohorts/join/ABCDE23456")

    page = client.get(path)  # what a mail scanner does: nothing is confirmed
    assert page.status_code == 200 and "Confirm my address" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    session.rollback()
    assert session.scalar(select(User.email_confirmed_at)) is None
    assert client.get("/dashboard").status_code == 302

    done = confirm_by_mail(client, app, "new@example.org")
    assert done.status_code == 302 and done.headers["Location"] == "/cohorts/join/ABCDE23456"
    assert "Your email address is confirmed. Welcome, Amina Diallo." in client.get("/dashboard").get_data(
        as_text=True
    )
    session.rollback()
    assert session.scalar(select(User.email_confirmed_at)) is not None

    again = app.test_client().get(path)
    assert again.status_code == 404 and "does not work any more" in again.get_data(as_text=True)
    assert again.headers["Cache-Control"] == "no-store" and again.headers["Referrer-Policy"] == "no-referrer"


def test_confirming_needs_the_csrf_token(app: Any, client: Any, session: Any) -> None:
    register(client, "new@example.org")
    path = mail_link(mails_to(app, "new@example.org")[0], "/email/confirm/")
    assert finished(client.post(path, data={})).status_code == 400
    session.rollback()
    assert session.scalar(select(User.email_confirmed_at)) is None


def test_an_unsafe_next_is_left_out_of_the_confirmation_link(app: Any, client: Any) -> None:
    register(client, "new@example.org", next_target="//evil.example/steal")
    path = mail_link(mails_to(app, "new@example.org")[0], "/email/confirm/")
    assert "next" not in path and "evil" not in path
    assert confirm_by_mail(client, app, "new@example.org").headers["Location"] == "/dashboard"


def test_an_unconfirmed_account_cannot_log_in_and_gets_a_new_link(app: Any, client: Any) -> None:
    register(client, "new@example.org")
    first = mail_link(mails_to(app, "new@example.org")[0], "/email/confirm/")

    wrong = finished(login(client, "new@example.org", "not-the-password-at-all"))
    assert "The email or password is not right." in wrong.get_data(as_text=True)
    assert len(mails_to(app, "new@example.org")) == 1

    right = finished(login(client, "new@example.org"))
    assert right.status_code == 200
    assert "Confirm your email address first. We have sent you a new link." in right.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    second = mail_link(mails_to(app, "new@example.org")[-1], "/email/confirm/")
    assert second != first and client.get(first).status_code == 404  # only the newest link works

    for _ in range(self_service.MAILS_PER_RECIPIENT):
        last = finished(login(client, "new@example.org"))
    assert "a short while ago" in last.get_data(as_text=True)
    assert len(mails_to(app, "new@example.org")) == 1 + self_service.MAILS_PER_RECIPIENT

    assert confirm_by_mail(client, app, "new@example.org").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    assert login(client, "new@example.org").status_code == 302


def test_the_login_page_leads_to_forgot_password(client: Any) -> None:
    assert 'href="/password/forgot">Forgot your password?' in client.get("/login").get_data(as_text=True)


def test_forgot_password_answers_the_same_for_any_address(app: Any, make_user: Any) -> None:
    make_user(email="known01@example.org")
    known = forgot(app.test_client(), "known01@example.org")
    unknown = forgot(app.test_client(), "nobody1@example.org")
    assert comparable(known, "known01@example.org") == comparable(unknown, "nobody1@example.org")
    assert "If an account uses this address, we have sent it a link. The link works for 1 hour." in (
        known.get_data(as_text=True)
    )
    assert [m["To"] for m in outbox(app)] == ["known01@example.org"]


def test_password_reset_end_to_end(app: Any, client: Any, session: Any, make_user: Any) -> None:
    user = make_user(email="official@example.org", full_name="Okello Odhiambo")
    elsewhere = app.test_client()  # the same person, logged in on another device
    assert login(elsewhere, user.email).status_code == 302

    forgot(client, "Official@Example.org")
    [reset] = outbox(app)
    assert reset["Subject"] == "Choose a new password" and "1 hour" in mail_text(reset)
    path = mail_link(reset, "/password/reset/")

    page = client.get(path)
    assert page.status_code == 200 and "official@example.org" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"

    weak = choose_password(client, path, "password123")
    assert weak.status_code == 200 and "too easy to guess" in weak.get_data(as_text=True)
    mismatch = choose_password(client, path, NEW_PASSWORD, "something-else-entirely")
    assert "The passwords do not match." in mismatch.get_data(as_text=True)
    named = choose_password(client, path, "okelloodhiambo")  # the account's own name is no password
    assert "too easy to guess" in named.get_data(as_text=True)
    session.rollback()
    assert session.get(User, user.id).password_hash == user.password_hash

    done = choose_password(client, path)
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert "Your new password is saved" in client.get("/dashboard").get_data(as_text=True)
    assert elsewhere.get("/dashboard").status_code == 302  # the other session has ended

    session.rollback()
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.target == f"user:{user.id}")) == (
        "password_reset"
    )
    changed = outbox(app)[-1]
    assert changed["Subject"] == "Your password was changed" and changed["To"] == "official@example.org"
    assert "/password/reset/" not in mail_text(changed) and mail_link(changed, "/password/forgot")
    assert mail_text(changed).count("(UTC)") == 1  # when it was changed, and in which zone: once

    reused = client.get(path)
    assert reused.status_code == 404 and 'href="/password/forgot"' in reused.get_data(as_text=True)
    assert (
        reused.headers["Cache-Control"] == "no-store" and reused.headers["Referrer-Policy"] == "no-referrer"
    )
    late = app.test_client()
    data = {"password": "yet-another-passphrase-3", "confirm": "yet-another-passphrase-3"}
    assert (
        finished(late.post(path, data={**data, "csrf_token": csrf_token(late, "/login")})).status_code == 404
    )

    other = app.test_client()
    assert login(other, user.email, PASSWORD).status_code == 200  # the old password no longer works
    assert login(other, user.email, NEW_PASSWORD).status_code == 302


def test_only_the_newest_reset_link_works_and_only_for_an_hour(
    app: Any, client: Any, session: Any, make_user: Any
) -> None:
    make_user(email="official@example.org")
    forgot(client, "official@example.org")
    forgot(client, "official@example.org")
    first, second = (mail_link(m, "/password/reset/") for m in outbox(app))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    session.execute(update(PasswordToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    expired = client.get(second)
    assert expired.status_code == 404 and "Ask for a new link" in expired.get_data(as_text=True)


def test_a_deactivated_account_gets_no_reset_link(
    app: Any, client: Any, session: Any, make_user: Any
) -> None:
    user = make_user(email="official@example.org")
    session.execute(update(User).where(User.id == user.id).values(is_active=False))
    session.commit()
    assert forgot(client, "official@example.org").status_code == 200
    assert outbox(app) == []


def test_reset_requests_are_limited_per_address_and_a_flood_gets_429(app: Any, make_user: Any) -> None:
    make_user(email="official@example.org")
    client = app.test_client()
    answers = {forgot(client, "official@example.org").status_code for _ in range(7)}
    assert answers == {200} and len(outbox(app)) == self_service.MAILS_PER_RECIPIENT
    for index in range(self_service.RESET_LIMIT_PER_ADDRESS - 7):
        assert forgot(client, f"someone{index}@example.org").status_code == 200
    assert forgot(client, "official@example.org").status_code == 429
    assert forgot(client, "official@example.org", REMOTE_ADDR="192.0.2.44").status_code == 200


def test_a_reset_confirms_an_unconfirmed_address(app: Any, client: Any, session: Any) -> None:
    register(client, "new@example.org")
    forgot(client, "new@example.org")
    assert choose_password(client, mail_link(outbox(app)[-1], "/password/reset/")).status_code == 302
    session.rollback()
    assert session.scalar(select(User.email_confirmed_at)) is not None
    assert client.get("/dashboard").status_code == 200


def test_a_link_opened_while_logged_in_as_someone_else_changes_nothing(
    app: Any, client: Any, logged_in: Any, make_user: Any
) -> None:
    logged_in()
    make_user(email="official@example.org")
    forgot(app.test_client(), "official@example.org")
    path = mail_link(outbox(app)[-1], "/password/reset/")
    page = client.get(path)
    assert page.status_code == 200 and "Log out first" in page.get_data(as_text=True)
    assert "csrf_token" not in page.get_data(as_text=True).split("<main")[1].split("</main>")[0]


def test_mail_is_written_in_the_recipients_language(app: Any, session: Any, make_user: Any) -> None:
    french = make_user(email="fr@example.org", full_name="Camille Martin")
    session.execute(update(User).where(User.id == french.id).values(locale="fr"))
    session.commit()
    make_user(email="nolocale@example.org")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    forgot(client, "fr@example.org")
    forgot(client, "nolocale@example.org")
    to_french, to_browser = outbox(app)
    assert (
        to_french["Content-Language"] == "fr" and to_french["Subject"] == "Choisissez un nouveau mot de passe"
    )
    assert "Bonjour Camille Martin," in mail_text(to_french)
    assert to_browser["Content-Language"] == "es" and to_browser["Subject"] == "Elija una nueva contraseña"


@pytest.fixture
def smtp_config(config: dict[str, Any], smtp_server: Any) -> dict[str, Any]:
    return {
        **config,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_STARTTLS": False,
        "MAIL_USERNAME": "academy",
        "MAIL_PASSWORD": "mail-server-secret",
        "MAIL_FROM": "Convention Academy <no-reply@academy.example.org>",
        "PUBLIC_URL": "https://academy.example.org",
    }


def test_reset_through_a_real_smtp_server(smtp_config: dict[str, Any], smtp_server: Any) -> None:
    from tests.conftest import empty_tables
    from webapp import create_app

    app = create_app(smtp_config)
    empty_tables(app.extensions["db"][0])
    client = app.test_client()
    register(client, "new@example.org")
    forgot(client, "new@example.org", HTTP_HOST="evil.example")  # a forged Host never reaches a link
    assert wait_for_delivery(app)
    confirm, reset = smtp_server.messages()
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["new@example.org"], ["new@example.org"]]
    assert confirm["From"] == "Convention Academy <no-reply@academy.example.org>"
    assert "https://academy.example.org/email/confirm/" in mail_text(confirm)
    assert "https://academy.example.org/password/reset/" in mail_text(reset)
    assert "evil.example" not in mail_text(reset)
    assert choose_password(client, mail_link(reset, "/password/reset/")).status_code == 302
    assert wait_for_delivery(app)
    assert smtp_server.messages()[-1]["Subject"] == "Your password was changed"
    app.extensions["db"][0].dispose()


def test_a_slow_mail_server_holds_no_request(smtp_config: dict[str, Any], smtp_server: Any) -> None:
    """The mail goes out from the courier's thread: the response is over while the server still holds it."""
    from tests.conftest import empty_tables
    from webapp import create_app

    app = create_app(smtp_config)
    empty_tables(app.extensions["db"][0])
    smtp_server.hold = threading.Event()
    response = register(app.test_client(), "new@example.org")  # read whole and closed, as a server does
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert smtp_server.envelopes == []  # still on its way
    smtp_server.hold.set()
    assert wait_for_delivery(app)
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["new@example.org"]]
    app.extensions["db"][0].dispose()


def test_a_failed_delivery_is_logged_and_never_shown(
    smtp_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import empty_tables
    from tests.system.server import free_port
    from webapp import create_app

    app = create_app({**smtp_config, "MAIL_PORT": free_port(), "MAIL_TIMEOUT": 2})  # nobody listens there
    empty_tables(app.extensions["db"][0])
    with caplog.at_level(logging.ERROR, logger="webapp.mail"):
        response = register(app.test_client(), "new@example.org")
        assert wait_for_delivery(app)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert "mail to new@example.org not delivered: Confirm your email address" in caplog.text
    app.extensions["db"][0].dispose()


def test_smtp_without_a_public_url_refuses_to_start(smtp_config: dict[str, Any]) -> None:
    from course.platform.mail import MailSettingsError
    from webapp import create_app

    with pytest.raises(MailSettingsError, match="PUBLIC_URL"):
        create_app({**smtp_config, "PUBLIC_URL": None})


def test_the_outbox_logs_each_mail_with_its_link(
    app: Any, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="webapp.mail"):
        register(client, "new@example.org")
    [line] = [r.getMessage() for r in caplog.records if r.name == "webapp.mail"]
    assert line.startswith(
        "mail to new@example.org: Confirm your email address http://localhost/email/confirm/"
    )
    assert line.endswith(".eml)")


def test_accounts_from_the_command_line_and_the_demo_are_confirmed(runner: Any, session: Any) -> None:
    result = runner.invoke(
        args=["users", "create", "--email", "admin@example.org", "--name", "Admin", "--organisation", "UN"]
        + ["--country", "Austria", "--role", "admin", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    session.rollback()
    assert (
        session.scalar(select(func.count()).select_from(User).where(User.email_confirmed_at.is_(None))) == 0
    )
    assert session.scalar(select(func.count()).select_from(User)) == 4
