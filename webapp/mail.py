"""Mail from the web app: rendered in the recipient's language, delivered after the response has gone.

A view calls `send(...)`: the text is rendered at once from a plain-text template
(in the recipient's language: their profile's, else the request's), and the
message waits in the request. Only when the request ends well (status below
400, the database commit done) is it delivered, and then only once the response
has been sent (`response.call_on_close`): the time a page takes never tells
whether a mail went out, and a slow or broken mail server never slows or breaks
a page. A failed delivery is logged, never shown.

Over SMTP, the delivery itself is handed to a `Courier`: one thread per worker
process that talks to the mail server, so a slow server (up to MAIL_TIMEOUT per
message) never holds a thread that serves requests. A worker that stops first
delivers what it still holds. The outbox folder of a laptop is written at once.

Links in mails start with the PUBLIC_URL setting; without it (a laptop) they
start with the request's host. The SMTP backend requires PUBLIC_URL, so that a
forged Host header can never put somebody else's site into a reset link.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, render_template, request, url_for
from flask.signals import request_finished
from flask_babel import force_locale
from werkzeug.wrappers import Response

from course.platform import mail
from webapp.i18n import offered

log = logging.getLogger("webapp.mail")

DEFAULTS: dict[str, Any] = {
    "MAIL_BACKEND": mail.OUTBOX,  # or "smtp"
    "MAIL_OUTBOX_DIR": None,  # default: instance/outbox
    "MAIL_FROM": "Convention Academy <no-reply@localhost>",
    "MAIL_SERVER": None,
    "MAIL_PORT": None,  # default: 465 with MAIL_SSL, else 587
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_STARTTLS": True,
    "MAIL_SSL": False,
    "MAIL_TIMEOUT": 10,
    "PUBLIC_URL": None,
}


def init_app(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    backend = mail.backend_from_settings(app.config, default_outbox=Path(app.instance_path) / "outbox")
    if isinstance(backend, mail.SmtpBackend) and not app.config.get("PUBLIC_URL"):
        raise mail.MailSettingsError(
            "MAIL_BACKEND is smtp but PUBLIC_URL is not set: links in mails must not come from a "
            "request's Host header (set ACADEMY_PUBLIC_URL=https://your.address)"
        )
    app.extensions["mail"] = backend
    if isinstance(backend, mail.SmtpBackend):
        app.extensions["mail_courier"] = courier = Courier(backend)
        atexit.register(courier.wait, float(app.config["MAIL_TIMEOUT"]) * 3)
    if isinstance(backend, mail.OutboxBackend):
        app.logger  # noqa: B018  (creates Flask's console handler, which this logger's lines reach)
        log.setLevel(logging.INFO)  # `make run` shows each mail and its link
    request_finished.connect(_deliver_after_response, app)


def recipient_locale(user: Any) -> str:
    """The recipient's language: their profile's if it is offered, else the request's."""
    from webapp import current_locale_code

    return user.locale if user.locale in offered() else current_locale_code()


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for a mail (PUBLIC_URL, else the request's host)."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return str(base).rstrip("/") + url_for(endpoint, **values)


def send(user: Any, subject: Any, template: str, link: str | None = None, **context: Any) -> None:
    """Render a mail to `user` in their language now; deliver it after the response (if all went well)."""
    language = recipient_locale(user)
    with force_locale(language):
        text = str(subject)
        body = render_template(template, user=user, link=link, **context)
    message = mail.compose(
        sender=current_app.config["MAIL_FROM"], to=user.email, subject=text, body=body, language=language
    )
    g.setdefault("outgoing_mail", []).append((message, link))


def _deliver_after_response(app: Flask, response: Response, **_extra: Any) -> None:
    outgoing = g.pop("outgoing_mail", None)
    if not outgoing or response.status_code >= 400:
        return  # a refused or failed request (its changes rolled back) sends nothing
    courier: Courier | None = app.extensions.get("mail_courier")
    if courier is not None:
        response.call_on_close(partial(courier.post, outgoing))
    else:
        response.call_on_close(partial(deliver, app.extensions["mail"], outgoing))


class Courier:
    """Delivers mail in a thread of its own (one per process, started on first use, so after a fork)."""

    def __init__(self, backend: mail.Backend) -> None:
        self.backend = backend
        self._queue: queue.Queue[list[tuple[EmailMessage, str | None]]] = queue.Queue()
        self._lock = threading.Lock()
        self._started_in: int | None = None

    def post(self, outgoing: list[tuple[EmailMessage, str | None]]) -> None:
        with self._lock:
            if self._started_in != os.getpid():  # threads do not survive a fork: each worker starts its own
                threading.Thread(target=self._run, name="mail-courier", daemon=True).start()
                self._started_in = os.getpid()
        self._queue.put(outgoing)

    def _run(self) -> None:
        while True:
            outgoing = self._queue.get()
            try:
                deliver(self.backend, outgoing)
            finally:
                self._queue.task_done()

    def wait(self, timeout: float) -> bool:
        """Wait until all that was posted is delivered (or failed); False if `timeout` was too short."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True


def wait_for_delivery(app: Flask, timeout: float = 15) -> bool:
    """Wait for the mail the app handed to its courier (tests; a worker stopping). True when none is left."""
    courier: Courier | None = app.extensions.get("mail_courier")
    return courier is None or courier.wait(timeout)


def deliver(backend: mail.Backend, outgoing: list[tuple[EmailMessage, str | None]]) -> None:
    """Deliver each message; log a failure (with its recipient) and go on with the next."""
    for message, link in outgoing:
        try:
            where = backend.deliver(message)
        except Exception:
            log.exception("mail to %s not delivered: %s", message["To"], message["Subject"])
            continue
        if isinstance(backend, mail.OutboxBackend):
            # A laptop: show the link, so whoever runs `make run` can follow it. Never for real mail.
            log.info(
                "mail to %s: %s%s (%s)", message["To"], message["Subject"], f" {link}" if link else "", where
            )
