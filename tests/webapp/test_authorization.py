"""The authorisation matrix: every route x every kind of person, generated from the URL map.

Personas: anonymous, a learner who owns the objects (enrolled in the cohort, with a
quiz attempt and a certificate), another learner, an instructor of another cohort,
the cohort's instructor, and an admin. Each cell is the HTTP status that person
gets: 200 page, 302 redirect (to the login page for anonymous visitors), 400 an
empty or invalid form, 403 no right to a thing whose existence they know,
404 not found or not theirs to know about, 409 not possible in this state.
A route without a rule here fails the test: a new route must say who may use it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import url_for

from tests.conftest import empty_tables, login
from tests.webapp.authz_world import PERSONAS, World, build

# GET: status for anonymous, learner, other_learner, other_instructor, instructor, admin
GET_RULES = {
    "admin.users": "302 403 403 403 403 200",
    "cases.case": "302 200 200 200 200 200",
    "auth.account": "302 200 200 200 200 200",
    "auth.confirm_email": "404 404 404 404 404 404",
    "auth.data": "302 200 200 200 200 200",
    "auth.forgot_password": "200 200 200 200 200 200",
    "auth.login": "200 302 302 302 302 302",
    "auth.register": "200 302 302 302 302 302",
    "auth.reset_password": "404 404 404 404 404 404",
    "certificates.all_certificates": "302 403 403 403 403 200",
    "certificates.cohort": "302 404 404 403 200 200",
    "certificates.credential": "302 200 404 404 200 200",
    "certificates.detail": "302 200 404 404 200 200",
    "certificates.export": "302 404 404 403 200 200",
    "certificates.issuer": "200 200 200 200 200 200",
    "certificates.mine": "302 200 200 200 200 200",
    "certificates.path": "302 302 200 200 200 200",
    "certificates.pdf": "302 200 404 404 200 200",
    "certificates.status_list": "200 200 200 200 200 200",
    "certificates.verify": "200 200 200 200 200 200",
    "certificates.verify_credential": "200 200 200 200 200 200",
    "certificates.verify_form": "200 200 200 200 200 200",
    "cohorts.attendance": "302 403 404 404 200 200",
    "cohorts.edit": "302 403 404 404 200 200",
    "cohorts.edit_meeting": "302 403 404 404 200 200",
    "cohorts.export": "302 403 404 404 200 200",
    "cohorts.index": "302 200 200 200 200 200",
    "cohorts.join": "302 200 200 200 200 200",
    "cohorts.join_link": "302 200 200 200 200 200",
    "cohorts.learner": "302 403 404 404 200 200",
    "cohorts.live_page": "302 200 404 404 200 200",
    "cohorts.live_state": "302 200 404 404 200 200",
    "cohorts.meetings": "302 403 404 404 200 200",
    "cohorts.new": "302 403 403 200 200 200",
    "cohorts.progress_grid": "302 403 404 404 200 200",
    "cohorts.questions": "302 403 404 404 200 200",
    "cohorts.provisions": "302 403 404 404 200 200",
    "cohorts.report": "302 403 404 404 200 200",
    "cohorts.roster_page": "302 403 404 404 200 200",
    "cohorts.set_password": "404 404 404 404 404 404",
    "cohorts.show": "302 200 404 404 200 200",
    "i18n.choose": "400 400 400 400 400 400",
    "learn.article": "200 200 200 200 200 200",
    "learn.articles": "200 200 200 200 200 200",
    "learn.dashboard": "302 200 200 200 200 200",
    "learn.glossary": "200 200 200 200 200 200",
    "learn.coverage": "302 403 403 200 200 200",
    "learn.index": "200 200 200 200 200 200",
    "learn.lesson": "200 200 200 200 200 200",
    "learn.module": "200 200 200 200 200 200",
    "learn.path": "200 200 200 200 200 200",
    "quiz.attempt": "302 200 404 404 404 404",
    "quiz.overview": "302 200 200 200 200 200",
    "static": "200 200 200 200 200 200",
}

# POST with a valid CSRF token and an empty form, same personas.
POST_RULES = {
    "admin.set_active": "302 403 403 403 403 400",
    "admin.set_role": "302 403 403 403 403 400",
    "auth.account": "302 200 200 200 200 200",
    "auth.confirm_email": "404 404 404 404 404 404",
    "auth.delete": "302 400 400 400 400 400",
    "auth.forgot_password": "200 200 200 200 200 200",
    "auth.login": "200 302 302 302 302 302",
    "auth.logout": "302 302 302 302 302 302",
    "auth.register": "200 302 302 302 302 302",
    "auth.reset_password": "404 404 404 404 404 404",
    "certificates.claim": "302 302 409 409 409 409",
    "certificates.reissue": "302 302 404 404 403 302",
    "certificates.revoke": "302 403 404 404 302 302",
    "certificates.verify_credential": "200 200 200 200 200 200",
    "certificates.verify_credential_api": "200 200 200 200 200 200",
    "cohorts.add_instructor": "302 403 404 404 302 302",
    "cohorts.attendance": "302 403 404 404 302 302",
    "cohorts.delete": "302 403 404 404 302 302",
    "cohorts.delete_meeting": "302 403 404 404 302 302",
    "cohorts.edit": "302 403 404 404 200 200",
    "cohorts.edit_meeting": "302 403 404 404 200 200",
    "cohorts.join": "302 200 200 200 200 200",
    "cohorts.live_answer": "302 302 404 404 403 403",
    "cohorts.live_close": "302 403 404 404 302 302",
    "cohorts.live_open": "302 403 404 404 302 302",
    "cohorts.live_reveal": "302 403 404 404 302 302",
    "cohorts.meetings": "302 403 404 404 200 200",
    "cohorts.new": "302 403 403 200 200 200",
    "cohorts.new_link": "302 403 404 404 302 302",
    "cohorts.regenerate_code": "302 403 404 404 302 302",
    "cohorts.remove_instructor": "302 403 404 404 404 404",
    "cohorts.remove_learner": "302 403 404 404 302 302",
    "cohorts.roster_import": "302 403 404 404 400 400",
    "cohorts.roster_preview": "302 403 404 404 200 200",
    "cohorts.set_joining": "302 403 404 404 400 400",
    "cohorts.set_password": "404 404 404 404 404 404",
    "i18n.choose": "400 400 400 400 400 400",
    "learn.complete": "302 302 302 302 302 302",
    "quiz.attempt": "302 200 404 404 404 404",
    "quiz.start": "302 302 302 302 302 302",
    # an empty choice form (no attempt, no choice) is refused; starting is everybody's own business
    "cases.choose": "302 400 400 400 400 400",
    "cases.start": "302 302 302 302 302 302",
}

REFUSED = {403, 404}
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _url(app: Any, rule: Any, world: World) -> str:
    args = {
        "module_id": "electronic-evidence",
        "lesson_id": "scope-safeguards-preservation",
        "path_id": "investigators",
        "number": 24,
        "step_id": "first-hours",
        "cohort_id": world.cohort,
        "meeting_id": world.meeting,
        "live_id": world.live,
        "attempt_id": world.attempt,
        "code": world.certificate,
        "user_id": world.ids["learner"],
        "kind": "progress",
        "token": "nonexistent-token",
        "filename": "academy.css",
    }
    with app.test_request_context():
        return url_for(rule.endpoint, **{a: args[a] for a in rule.arguments - set(rule.defaults or {})})


def _client(app: Any, world: World, persona: str) -> Any:
    client = app.test_client()
    if persona != "anonymous":
        assert login(client, world.emails[persona]).status_code == 302
    return client


def _status(client: Any, method: str, url: str, **kwargs: Any) -> int:
    with client.open(url, method=method, **kwargs) as response:
        return response.status_code


def _rules(app: Any, method: str) -> list[Any]:
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods), key=lambda r: r.endpoint)


def test_every_route_has_a_rule(app: Any) -> None:
    missing = [r.endpoint for r in _rules(app, "GET") if r.endpoint not in GET_RULES]
    missing += [r.endpoint for r in _rules(app, "POST") if r.endpoint not in POST_RULES]
    assert not missing, f"routes without an authorisation rule: {missing}"
    gone = set(GET_RULES) - {r.endpoint for r in _rules(app, "GET")}
    gone |= set(POST_RULES) - {r.endpoint for r in _rules(app, "POST")}
    assert not gone, f"rules for routes that no longer exist: {gone}"


def test_get_matrix(app: Any) -> None:
    world = build(app)
    clients = {persona: _client(app, world, persona) for persona in PERSONAS}
    failures = []
    for rule in _rules(app, "GET"):
        url = _url(app, rule, world)
        expected = [int(code) for code in GET_RULES[rule.endpoint].split()]
        got = [_status(clients[persona], "GET", url) for persona in PERSONAS]
        if got != expected:
            failures.append(f"{rule.endpoint} {url}: expected {expected}, got {got}")
        if got[0] == 302 and rule.endpoint not in ("auth.login", "auth.register"):
            with clients["anonymous"].get(url) as response:
                assert "/login" in response.headers["Location"], (rule.endpoint, response.headers["Location"])
    assert not failures, "\n".join(failures)


def test_post_matrix(app: Any) -> None:
    """Every POST route with a valid CSRF token and an empty form; refusals change nothing."""
    engine = app.extensions["db"][0]
    failures = []
    for rule in _rules(app, "POST"):
        expected = [int(code) for code in POST_RULES[rule.endpoint].split()]
        got = []
        empty_tables(engine)
        world = build(app)
        for persona, want in zip(PERSONAS, expected, strict=True):
            client = _client(app, world, persona)
            with client.get("/login" if persona == "anonymous" else "/account") as page:
                token = CSRF.search(page.get_data(as_text=True)).group(1)
            got.append(_status(client, "POST", _url(app, rule, world), data={"csrf_token": token}))
            if want not in REFUSED and not (persona == "anonymous" and want == 302):
                empty_tables(engine)  # this person could act: the next one starts from the same world
                world = build(app)
        if got != expected:
            failures.append(f"{rule.endpoint}: expected {expected}, got {got}")
    assert not failures, "\n".join(failures)
