"""Extension objects, created at import and wired to an app with init_app (no app at import)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from course.platform.db import make_engine, make_sessionmaker, set_write_intent

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Database:
    """One SQLAlchemy session per request, committed once at the edge.

    The session is opened on first use. After the view, a response below 400
    commits; anything else, or an exception, rolls back. A commit that fails
    (database locked too long, or gone) gives the learner a "try again" page and
    nothing is half-written.

    On SQLite a POST, PUT, PATCH or DELETE request is one writer transaction from
    its first statement (BEGIN IMMEDIATE), which keeps every view safe from reading
    a snapshot that another writer makes stale. A view marked `reads_first` starts
    as a reader instead and writes through `course.platform.db.write_phase`, so that other
    writers do not wait while it reads and computes (the quiz submission: scoring
    happens before its one conditional UPDATE).
    """

    def __init__(self) -> None:
        self._reads_first: set[Callable[..., Any]] = set()

    def reads_first(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Mark a view that reads in a reader transaction and writes only through write_phase."""
        self._reads_first.add(view)
        return view

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
        app.extensions["db"] = (engine, make_sessionmaker(engine))
        app.before_request(self._before)
        app.after_request(self._commit)
        app.teardown_appcontext(self._close)

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        return current_app.extensions["db"][0]

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            g.db_session = current_app.extensions["db"][1]()
        return g.db_session

    def _before(self) -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        writer = request.method in WRITE_METHODS and view not in self._reads_first
        g.write_intent_token = set_write_intent(writer)

    def _commit(self, response: Response) -> Response:
        session: Session | None = g.get("db_session")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except DBAPIError:
            session.rollback()
            current_app.logger.exception("commit failed")
            return Response(render_template("errors/503.html"), status=503, headers={"Retry-After": "5"})
        return response

    def _close(self, _exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
        token = g.pop("write_intent_token", None)
        if token is not None:
            set_write_intent(False)


db = Database()
