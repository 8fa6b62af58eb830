"""Rendering once what many requests share: the site header, and whole pages that depend on few facts.

A page is the same text for every request that shares its facts, except for two
values: the CSRF token (of the logout, language and page forms) and the address the
language switcher returns to. So text rendered for one request can serve the next
one with the same facts once those two are filled in.

- `site_header()` (every page): rendered once per *visitor kind* — language, signed
  in or not, admin or not, which cohort link the menu shows, and the script root.
- `render_page(template, facts, ...)` (the hottest pages, such as a lesson): the
  whole page, kept per (template, visitor kind, facts). The view must name in
  `facts` everything the page shows that is not in the visitor kind; the template
  writes the CSRF token as `{{ csrf }}`. A request with a message to show once (a
  flash) is rendered afresh, so messages never enter the cache.

A lesson page rendered through Jinja and gettext took about 1 ms of a worker's
time; filled in from the cache, a few microseconds. The caches live in the app
(one per worker process) and are bounded.

The CSRF token itself (`csrf_token()`) is Flask-WTF's, signed for a session once
and then reused by that session's requests for a minute: signing it anew costs
an HMAC and base64 per page, and a reused one is exactly as valid. (The signed
token carries the session's raw token in clear anyway, so a reused signature
tells nothing new.)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

CSRF = "\x00csrf\x00"  # placeholders: no rendered text can contain a NUL character
HERE = "\x00here\x00"
PAGES_KEPT = 1024  # lesson pages are about 14 KB: at most about 14 MB per worker
TOKEN_REUSE_SECONDS = 60


class Cache:
    """A bounded mapping that forgets the least recently used entry (one per app, shared by threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def visitor_kind() -> tuple[Any, ...]:
    """Everything the header depends on (and the part of a page's key shared by all pages)."""
    kind = g.get("visitor_kind")
    if kind is None:
        from webapp import current_locale_code
        from webapp.cohorts.views import cohort_nav

        signed_in = bool(getattr(current_user, "is_authenticated", False))
        admin = signed_in and current_user.is_admin
        kind = g.visitor_kind = (current_locale_code(), signed_in, admin, cohort_nav(), request.script_root)
    return kind


def csrf_token() -> str:
    """The request's CSRF token (Flask-WTF's): reused from this session's last minute, else signed now.

    Setting it on `g` makes every later form and `csrf_token()` in the request use it too.
    """
    token = g.get("csrf_token")
    if token is not None:
        return str(token)
    signed: Cache = current_app.extensions["layout"]["tokens"]
    raw = session.get("csrf_token")
    if raw is not None:
        known = signed.get(raw)
        if known is not None and time.monotonic() - known[1] < TOKEN_REUSE_SECONDS:
            g.csrf_token = known[0]
            return str(known[0])
    token = generate_csrf()
    signed.put(session["csrf_token"], (token, time.monotonic()))
    return str(token)


def _fill(text: str) -> str:
    """Put this request's own values where the placeholders are."""
    if HERE in text:
        here = request.full_path.rstrip("?") if request.method == "GET" else request.path
        text = text.replace(HERE, escape(here))
    if CSRF in text:
        text = text.replace(CSRF, csrf_token())
    return text


def site_header() -> Markup:
    kind = visitor_kind()
    cache: Cache = current_app.extensions["layout"]["headers"]
    text = cache.get(kind)
    if text is None:
        text = render_template("_site_header.html", csrf=CSRF, here=HERE, cohort_link=kind[3])
        cache.put(kind, text)
    if g.get("keep_placeholders"):
        return Markup(text)  # a whole page is being rendered for the cache: render_page fills it in
    return Markup(_fill(text))


def render_page(template: str, facts: tuple[Any, ...], **context: Any) -> str:
    """The page from the cache when it holds one for these facts; else render (and keep) it."""
    if "_flashes" in session:
        return render_template(template, csrf=csrf_token(), **context)
    key = (template, visitor_kind(), facts)
    cache: Cache = current_app.extensions["layout"]["pages"]
    text = cache.get(key)
    if text is None:
        g.keep_placeholders = True
        try:
            text = render_template(template, csrf=CSRF, **context)
        finally:
            g.keep_placeholders = False
        cache.put(key, text)
    return _fill(text)


def init_app(app: Flask) -> None:
    app.extensions["layout"] = {"headers": Cache(64), "pages": Cache(PAGES_KEPT), "tokens": Cache(8192)}
    app.jinja_env.globals["site_header"] = site_header
    app.before_request(_settle_csrf_token)


def _settle_csrf_token() -> None:
    """Give a session that has a CSRF token its signed one before the view runs.

    A view that builds a form before its page is rendered (the quiz page, every form
    page) would otherwise have Flask-WTF sign the token anew on each request, since
    the form's field takes its value when the form is made. A session without a
    token (a first visit, a static file) is left alone: nothing is signed or stored.
    """
    if "csrf_token" in session:
        csrf_token()
