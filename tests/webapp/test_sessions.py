"""Session cookies already verified are decoded from memory (webapp/sessions.py), with Flask's answers."""

from __future__ import annotations

import time
from typing import Any

from flask.sessions import SecureCookieSessionInterface

from webapp.sessions import RememberingSessionInterface

DASHBOARD = "/dashboard"


def session_cookie(client: Any) -> str:
    return client.get_cookie("session").value


def visit_with(app: Any, cookie: str, path: str = DASHBOARD) -> Any:
    """A request from another browser that sends exactly this session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(path)


def test_the_app_uses_the_remembering_interface(app: Any) -> None:
    assert isinstance(app.session_interface, RememberingSessionInterface)


def test_a_signed_in_cookie_keeps_working_when_remembered(app: Any, client: Any, logged_in: Any) -> None:
    logged_in()
    client.get("/")  # the page gives the session its CSRF token: the cookie the browser keeps sending
    cookie = session_cookie(client)
    for _ in range(3):
        assert visit_with(app, cookie).status_code == 200


def test_an_altered_cookie_is_refused_even_after_the_real_one_was_seen(
    app: Any, client: Any, logged_in: Any
) -> None:
    logged_in()
    client.get("/")
    cookie = session_cookie(client)
    assert visit_with(app, cookie).status_code == 200  # now remembered
    payload, _, signature = cookie.rpartition(".")
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    response = visit_with(app, forged)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    other_payload = payload[:-1] + ("x" if payload[-1] != "x" else "y")
    response = visit_with(app, f"{other_payload}.{signature}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remembered_cookie_still_expires(app: Any, client: Any, logged_in: Any, monkeypatch: Any) -> None:
    logged_in()
    client.get("/")
    cookie = session_cookie(client)
    assert visit_with(app, cookie).status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + lifetime + 60)
    response = visit_with(app, cookie)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sessions_holding_lists_are_decoded_afresh_for_each_request(app: Any) -> None:
    """A flash message list changed by one request must not reach the next one sending the same cookie."""
    flask_way = SecureCookieSessionInterface()
    cookie = flask_way.get_signing_serializer(app).dumps(
        {"_flashes": [("info", "Saved.")], "csrf_token": "t"}
    )
    interface = app.session_interface
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
        first = interface.open_session(app, ctx.request)
        first["_flashes"].append(("info", "Another."))
        second = interface.open_session(app, ctx.request)
    assert second["_flashes"] == [("info", "Saved.")]


def test_remembered_sessions_are_copies(app: Any) -> None:
    flask_way = SecureCookieSessionInterface()
    cookie = flask_way.get_signing_serializer(app).dumps({"_user_id": "7.1", "csrf_token": "t"})
    interface = app.session_interface
    with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
        first = interface.open_session(app, ctx.request)
        first["_user_id"] = "8.1"
        second = interface.open_session(app, ctx.request)
    assert second["_user_id"] == "7.1" and not second.modified
