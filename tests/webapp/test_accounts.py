"""Accounts: registration rules, login, throttling, sessions, personal data, administration."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from course.models import AuditEvent, LessonCompletion, Role, User
from tests.conftest import PASSWORD, confirm_by_mail, csrf_token, finished, login


def register_form(client: Any, **overrides: str) -> Any:
    data = {
        "email": "new.official@example.org",
        "full_name": "محمد عبد الله",
        "organisation": "Central Authority",
        "country": "Jordan",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    data["csrf_token"] = csrf_token(client, "/register")
    return client.post("/register", data=data)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short1!", "confirm": "short1!"}, "Use at least 10 characters."),
        ({"password": "password123", "confirm": "password123"}, "too easy to guess"),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "too easy to guess"),
        (
            {
                "password": "neworganisation1",
                "confirm": "neworganisation1",
                "email": "neworganisation1@example.org",
            },
            "too easy to guess",
        ),
        ({"confirm": "something-else-entirely"}, "The passwords do not match."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_registration_refuses_bad_input_and_creates_nothing(
    client: Any, session: Any, overrides: dict[str, str], message: str
) -> None:
    response = register_form(client, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("name", ["Nguyễn Thị Minh Khai", "Алексей Смирнов", "محمد عبد الله", "王小明"])
def test_names_in_any_script_are_kept_exactly(client: Any, session: Any, name: str) -> None:
    assert register_form(client, full_name=name).status_code == 200
    assert session.scalar(select(User.full_name)) == name


def test_registering_an_existing_email_creates_nothing(client: Any, session: Any, make_user: Any) -> None:
    make_user(email="new.official@example.org")
    response = register_form(client, email="New.Official@example.org")
    assert response.status_code == 200
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_passwords_are_stored_as_argon2id(session: Any, make_user: Any) -> None:
    make_user()
    stored = session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_same_message_for_unknown_email_and_wrong_password(client: Any, make_user: Any) -> None:
    user = make_user()
    unknown = login(client, "nobody@example.org").get_data(as_text=True)
    wrong = login(client, user.email, "not-the-password-at-all").get_data(as_text=True)
    message = "The email or password is not right."
    assert message in unknown and message in wrong


def test_login_is_throttled_per_account(client: Any, make_user: Any) -> None:
    user = make_user()
    for _ in range(5):
        assert login(client, user.email, "wrong-password-guess").status_code == 200
    response = login(client, user.email, PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_login_is_throttled_per_address(client: Any, make_user: Any) -> None:
    user = make_user()
    for i in range(30):
        login(client, f"guess{i}@example.org", "wrong-password-guess")
    assert login(client, user.email, PASSWORD).status_code == 429


def test_throttle_is_shared_by_every_worker(app: Any, make_user: Any) -> None:
    """Two app instances on one database (two workers) count the same failures."""
    from webapp import create_app

    user = make_user()
    other_worker = create_app(dict(app.config))
    for index in range(5):
        target = app if index % 2 else other_worker
        login(target.test_client(), user.email, "wrong-password-guess")
    assert login(app.test_client(), user.email, PASSWORD).status_code == 429
    other_worker.extensions["db"][0].dispose()


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "https://evil.example/",
        "https:evil.example",
        "/%0d%0aevil",
        "javascript:alert(1)",
    ],
)
def test_next_after_login_never_leaves_the_site(client: Any, make_user: Any, target: str) -> None:
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_next_after_login_returns_to_a_local_page(client: Any, make_user: Any) -> None:
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": "/modules/electronic-evidence"},
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/modules/electronic-evidence"


def test_logout_ends_every_copy_of_the_session(app: Any, client: Any, logged_in: Any) -> None:
    logged_in()
    stolen = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/dashboard").status_code == 302


def test_session_is_renewed_at_login(client: Any, make_user: Any) -> None:
    user = make_user()
    client.get("/login")
    before = client.get_cookie("session").value
    login(client, user.email)
    assert client.get_cookie("session").value != before


def test_remember_me_cookie_is_httponly_samesite_and_ends_at_logout(
    app: Any, client: Any, make_user: Any
) -> None:
    user = make_user()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y", "csrf_token": token}
    )
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    remembered = client.get_cookie("remember_token").value
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    other = app.test_client()
    other.set_cookie("remember_token", remembered)
    assert other.get("/dashboard").status_code == 302


def test_deactivated_account_is_logged_out_everywhere(client: Any, session: Any, logged_in: Any) -> None:
    user = logged_in()
    row = session.get(User, user.id)
    row.is_active = False
    row.session_version += 1
    session.commit()
    assert client.get("/dashboard").status_code == 302
    assert "not right" in login(client, user.email).get_data(as_text=True)


def test_learner_downloads_their_own_data(client: Any, app: Any, logged_in: Any) -> None:
    user = logged_in(full_name="Nguyễn Thị Minh Khai")
    module = app.extensions["catalogue"].module("electronic-evidence")
    lesson = module.lessons[0]
    path = f"/modules/{module.id}/lessons/{lesson.id}"
    client.post(f"{path}/complete", data={"csrf_token": csrf_token(client, path)})
    response = client.get("/account/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email
    assert data["account"]["full_name"] == "Nguyễn Thị Minh Khai"
    assert data["lesson_completions"][0]["lesson"] == lesson.id
    assert "password_hash" not in response.get_data(as_text=True)


def test_learner_deletes_their_account_and_records(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    module = app.extensions["catalogue"].module("electronic-evidence")
    path = f"/modules/{module.id}/lessons/{module.lessons[0].id}"
    client.post(f"{path}/complete", data={"csrf_token": csrf_token(client, path)})
    token = csrf_token(client, "/account")
    refused = client.post(
        "/account/delete", data={"password": "wrong-password-here", "confirm": "y", "csrf_token": token}
    )
    assert refused.status_code == 400
    assert session.get(User, user.id) is not None
    response = client.post(
        "/account/delete", data={"password": PASSWORD, "confirm": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    session.rollback()
    assert session.get(User, user.id) is None
    assert session.scalar(select(func.count()).select_from(LessonCompletion)) == 0
    assert client.get("/dashboard").status_code == 302


def test_admin_lists_searches_and_changes_roles(
    client: Any, session: Any, logged_in: Any, make_user: Any
) -> None:
    make_user(full_name="Amina Diallo", organisation="Police Nationale", email="amina@example.org")
    make_user(full_name="Carlos Pérez", organisation="Fiscalía", email="carlos@example.org")
    admin = logged_in(Role.ADMIN)
    html = client.get("/admin/users", query_string={"q": "fiscal"}).get_data(as_text=True)
    assert "Carlos Pérez" in html and "Amina Diallo" not in html
    carlos = session.scalar(select(User).where(User.email == "carlos@example.org"))
    token = csrf_token(client, "/admin/users")
    response = client.post(f"/admin/users/{carlos.id}/role", data={"role": "instructor", "csrf_token": token})
    assert response.status_code == 302
    session.rollback()
    assert session.get(User, carlos.id).role == "instructor"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "role_change"))
    assert (
        event.actor_id == admin.id
        and event.target == f"user:{carlos.id}"
        and "learner -> instructor" in event.detail
    )


def test_admin_sees_which_addresses_are_not_confirmed(client: Any, logged_in: Any, make_user: Any) -> None:
    make_user(full_name="Amina Diallo", email="amina@example.org")
    register_client = client.application.test_client()
    token = csrf_token(register_client, "/register")
    register_client.post(
        "/register",
        data={
            "email": "newcomer@example.org",
            "full_name": "Carlos Pérez",
            "organisation": "Fiscalía",
            "country": "Chile",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    logged_in(Role.ADMIN)
    rows = client.get("/admin/users").get_data(as_text=True).split("<tr>")
    newcomer = next(row for row in rows if "newcomer@example.org" in row)
    amina = next(row for row in rows if "amina@example.org" in row)
    assert "Address not confirmed yet" in newcomer and "Address not confirmed yet" not in amina


def test_admin_deactivates_and_reactivates(
    app: Any, client: Any, session: Any, logged_in: Any, make_user: Any
) -> None:
    learner = make_user(email="learner@example.org")
    learner_client = app.test_client()
    login(learner_client, learner.email)
    logged_in(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{learner.id}/active", data={"active": "0", "csrf_token": token})
    session.rollback()
    assert session.get(User, learner.id).is_active is False
    assert learner_client.get("/dashboard").status_code == 302  # their session ended
    client.post(f"/admin/users/{learner.id}/active", data={"active": "1", "csrf_token": token})
    assert login(app.test_client(), learner.email).status_code == 302


def test_admin_cannot_demote_themselves(client: Any, session: Any, logged_in: Any) -> None:
    admin = logged_in(Role.ADMIN)
    token = csrf_token(client, "/admin/users")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "learner", "csrf_token": token})
    session.rollback()
    assert session.get(User, admin.id).role == "admin"


@pytest.mark.parametrize("role", [Role.LEARNER, Role.INSTRUCTOR])
def test_admin_pages_are_refused_to_others(client: Any, logged_in: Any, make_user: Any, role: Role) -> None:
    target = make_user()
    logged_in(role)
    token = csrf_token(client, "/dashboard")
    assert client.get("/admin/users").status_code == 403
    assert (
        client.post(f"/admin/users/{target.id}/role", data={"role": "admin", "csrf_token": token}).status_code
        == 403
    )


def test_users_create_command_makes_the_first_admin(runner: Any, session: Any) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "chief@example.org",
            "--name",
            "Chief Admin",
            "--organisation",
            "UNODC",
            "--country",
            "Austria",
            "--role",
            "admin",
            "--password",
            "granite-orchid-meadow-77",
        ]
    )
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User.role).where(User.email == "chief@example.org")) == "admin"
    weak = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--name",
            "X",
            "--organisation",
            "",
            "--country",
            "",
            "--password",
            "password123",
        ]
    )
    assert weak.exit_code != 0 and "password refused" in weak.output


def test_demo_load_prints_passwords_with_a_warning_and_is_idempotent(runner: Any, session: Any) -> None:
    first = runner.invoke(args=["demo", "load"])
    assert "FOR A DEMO ONLY" in first.output and "demo-admin-" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "nothing changed" in second.output
    assert session.scalar(select(func.count()).select_from(User)) == 3


def test_a_newcomer_following_a_join_link_registers_and_comes_back(client: Any, app: Any) -> None:
    target = "/cohorts/join/ABCDE23456"
    login_page = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert 'href="/register?next=/cohorts/join/ABCDE23456"' in login_page.replace("%2F", "/")
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        query_string={"next": target},
        data={
            "email": "newcomer@example.org",
            "full_name": "Newcomer",
            "organisation": "Police",
            "country": "Peru",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    assert "Check your email" in finished(response).get_data(as_text=True)
    assert confirm_by_mail(client, app, "newcomer@example.org").headers["Location"] == target


def test_setup_command_checks_upgrades_and_loads_demo_accounts_once(runner: Any, session: Any) -> None:
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    assert "Content OK: 7 modules" in first.output and "Database at revision" in first.output
    assert "FOR A DEMO ONLY" in first.output and "(3 created now)" in first.output
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0 and "(unchanged)" in second.output and "nothing changed" in second.output
    assert session.scalar(select(func.count()).select_from(User)) == 3
