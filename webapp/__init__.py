"""The Flask app: HTTP in, HTML out. Domain logic lives in `course`."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, render_template
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from course.content import Catalogue, ContentError, load_catalogue
from webapp import layout
from webapp.extensions import babel, csrf, db, login_manager
from webapp.i18n import LANGUAGES, RTL_LANGUAGES, box_labels, install_template_gettext, select_locale

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "CONTENT_DIR": str(PROJECT_ROOT / "content"),
    "LANGUAGES": LANGUAGES,
    "BABEL_DEFAULT_LOCALE": "en",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead; quizzes can take long
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "HTTPS": False,  # set True behind HTTPS: Secure cookies and HSTS
    "ARGON2_TIME_COST": None,
    "THROTTLE_STORAGE": "database",  # or redis://host:6379/0, shared by every app machine
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    "ARGON2_MEMORY_COST": None,
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py and environment, or the test mapping."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'app.db'}"
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("ACADEMY")
        for name in ("DATABASE_URL", "SECRET_KEY"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
    else:
        app.config.from_mapping(test_config)
    if app.config.get("HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")

    if app.config["ARGON2_TIME_COST"]:
        from course.accounts import configure_hasher

        configure_hasher(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])

    from course.platform import throttle

    storage = app.config["THROTTLE_STORAGE"]
    throttle.use_redis(storage if str(storage).startswith(("redis://", "rediss://", "unix://")) else None)

    from webapp.sessions import RememberingSessionInterface

    app.session_interface = RememberingSessionInterface()  # cookies already verified are decoded once
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    app.extensions["catalogue"] = _load_content(app)
    db.init_app(app)
    csrf.init_app(app)
    _init_login(app)
    _register_blueprints(app)
    _register_errors(app)
    _register_headers(app)
    _register_template_helpers(app)
    layout.init_app(app)

    from webapp import cli, mail
    from webapp.i18n import commands as i18n_commands

    mail.init_app(app)  # MAIL_* settings: an outbox folder on a laptop, SMTP in production
    cli.init_app(app)
    i18n_commands.init_app(app)
    return app


def _instance_secret(path: Path) -> str:
    """Read the secret key from instance/, creating it (mode 600) on first run."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        key = secrets.token_hex(32)
        handle.write(key)
    return key


_RENDERED: dict[tuple[Any, ...], Catalogue] = {}  # content already rendered in this process, by its files


def _load_content(app: Flask) -> Catalogue:
    """Load the content once; refuse to start, listing every problem, if it is broken.

    Rendering every module in every language takes about half a second; an app built
    again on unchanged files (tests, a reloader) reuses the catalogue already rendered.
    """
    labels = box_labels(app)
    root = Path(app.config["CONTENT_DIR"]).resolve()
    files = sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*") if p.is_file())
    key = (str(root), tuple(files), tuple(sorted(labels.items())))
    if key in _RENDERED:
        return _RENDERED[key]
    try:
        catalogue = load_catalogue(root, labels=labels["en"], locale_labels=labels)
    except ContentError as exc:
        print(
            f"The content has {len(exc.problems)} problem(s); the app will not start:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(1) from None
    while len(_RENDERED) >= 4:
        _RENDERED.pop(next(iter(_RENDERED)))
    _RENDERED[key] = catalogue
    return catalogue


def catalogue() -> Catalogue:
    """The course in the current language (the request's, or force_locale's), English where untranslated."""
    from flask import current_app
    from flask_babel import get_locale

    return current_app.extensions["catalogue"].in_locale(str(get_locale() or "en"))


def _init_login(app: Flask) -> None:
    from course.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    from sqlalchemy import bindparam, select

    from course.cohorts import enrolled_anywhere

    # Every signed-in request runs this: the statement is built once. It also reads
    # whether the user is enrolled in a cohort, which the menu needs on every page.
    user_with_enrolment = select(User, enrolled_anywhere(User.id)).where(User.id == bindparam("user_id"))

    @login_manager.user_loader
    def load_user(user_key: str) -> User | None:
        user_id, _, version = user_key.partition(".")
        if not user_id.isdigit() or not version.isdigit():
            return None
        row = db.session.execute(user_with_enrolment, {"user_id": int(user_id)}).first()
        if row is None:
            return None
        user, g.user_enrolled = row
        if not user.is_active or user.session_version != int(version):
            return None
        return user


def _register_blueprints(app: Flask) -> None:
    from webapp.admin.views import bp as admin_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.cases.views import bp as cases_bp
    from webapp.certificates.views import bp as certificates_bp
    from webapp.cohorts.views import bp as cohorts_bp
    from webapp.i18n.views import bp as i18n_bp
    from webapp.learn.views import bp as learn_bp
    from webapp.quiz.views import bp as quiz_bp

    for blueprint in (learn_bp, auth_bp, quiz_bp, cases_bp, admin_bp, cohorts_bp, certificates_bp, i18n_bp):
        app.register_blueprint(blueprint)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        template = f"errors/{code}.html" if code in (400, 403, 404, 429) else "errors/generic.html"
        return render_template(template, error=exc), code

    @app.errorhandler(DBAPIError)
    def database_error(exc: DBAPIError) -> tuple[str, int, dict[str, str]]:
        """Locked too long, or unreachable: nothing is written; the page must not touch the database."""
        from flask import g

        app.logger.exception("database error")
        session = g.pop("db_session", None)
        if session is not None:
            session.rollback()
            session.close()
        g._login_user = login_manager.anonymous_user()
        g.pop("visitor_kind", None)  # the error page's header is an anonymous visitor's (webapp/layout.py)
        return render_template("errors/503.html"), 503, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def server_error(exc: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error")
        return render_template("errors/500.html"), 500


def current_locale_code() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _register_headers(app: Flask) -> None:
    always = [
        ("Content-Security-Policy", CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if app.config.get("HTTPS"):
        always.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))

    @app.after_request
    def security_headers(response: Response) -> Response:
        """The headers every response carries, unless the view set its own value for one."""
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        headers.extend([(name, value) for name, value in always if name.lower() not in present])
        # Personal pages must not be cached. Look only at a user this request already loaded:
        # asking current_user here would load one from the database for every static file.
        user = g.get("_login_user")
        if "cache-control" not in present and getattr(user, "is_authenticated", False):
            headers["Cache-Control"] = "private, no-store"
        if response.mimetype == "text/html":
            # the language comes from the cookie or Accept-Language: a cache must keep one copy per language
            response.vary.update(("Accept-Language", "Cookie"))
            if "content-language" not in present:
                headers["Content-Language"] = current_locale_code()
        return response


def _register_template_helpers(app: Flask) -> None:
    import hashlib

    static_versions: dict[str, str] = {}

    def static_url(filename: str) -> str:
        from flask import url_for

        if filename not in static_versions:
            data = (Path(app.static_folder or "") / filename).read_bytes()
            static_versions[filename] = hashlib.sha256(data).hexdigest()[:10]
        return url_for("static", filename=filename, v=static_versions[filename])

    from course.convention import ARTICLES
    from webapp.i18n import language_choices, number, percent, text_direction, utc_when

    app.jinja_env.globals.update(
        static_url=static_url,
        ARTICLES=ARTICLES,
        catalogue=catalogue,
        current_locale=current_locale_code,
        RTL_LANGUAGES=RTL_LANGUAGES,
        language_choices=language_choices,
        text_direction=text_direction,
    )
    app.jinja_env.filters.update(number=number, percent=percent, datetime=utc_when)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.template_filter("date")
    def format_date_filter(value: Any) -> str:
        from flask_babel import format_date

        return format_date(value, "medium") if value else ""
