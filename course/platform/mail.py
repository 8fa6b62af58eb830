"""Outgoing mail: build a plain-text RFC 5322 message, and deliver it to an outbox folder or over SMTP.

Standard library only (email, smtplib). The web layer renders the text in the
recipient's language and decides when to deliver (after the response has gone,
so that its timing says nothing about whether a mail was sent).

Two backends, chosen by the MAIL_BACKEND setting:

- "outbox" (the default, for a laptop): each message is written as a `.eml` file
  to a folder, which any mail program opens. Nothing leaves the machine.
- "smtp": the message is handed to a mail server (STARTTLS or implicit TLS,
  optionally with a login).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any, Protocol

OUTBOX = "outbox"
SMTP = "smtp"


def compose(
    *, sender: str, to: str, subject: str, body: str, language: str = "en", now: datetime | None = None
) -> EmailMessage:
    """A plain-text message (UTF-8) with the headers a mail server and a mail program expect.

    `Auto-Submitted` (RFC 3834) tells the recipient's server not to answer with an
    out-of-office reply. The email package refuses a line break in a header value,
    so no text (a name, a subject) can add a header.
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    # 7-bit on the wire, as every server takes it: quoted-printable keeps most scripts half readable.
    message.set_content(body, cte=None if body.isascii() else "quoted-printable")
    message["Content-Language"] = language  # after set_content, which clears the Content-* headers
    return message


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def as_bytes(message: EmailMessage) -> bytes:
    """The message as RFC 5322 bytes; an address outside ASCII needs RFC 6532 (UTF-8 headers)."""
    try:
        return message.as_bytes(policy=policy.default)
    except UnicodeError:
        return message.as_bytes(policy=policy.SMTPUTF8)


class Backend(Protocol):
    def deliver(self, message: EmailMessage) -> str:
        """Deliver one message; return where it went (a file, a server). Raises on failure."""
        ...


@dataclass(frozen=True)
class OutboxBackend:
    """Writes each message to `folder` as a .eml file, readable only by the app's user."""

    folder: Path

    def deliver(self, message: EmailMessage) -> str:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(as_bytes(message))
        path = self.folder / f"{stamp}-{os.urandom(4).hex()}.eml"
        os.replace(temporary, path)  # a reader never sees half a message
        return str(path)


@dataclass(frozen=True)
class SmtpBackend:
    """Hands each message to a mail server: STARTTLS (port 587), implicit TLS (465) or plain (tests)."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    use_ssl: bool = False
    timeout: float = 10.0

    def deliver(self, message: EmailMessage) -> str:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.starttls and not self.use_ssl:
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
        return f"{self.host}:{self.port}"


class MailSettingsError(ValueError):
    """The mail settings cannot work (unknown backend, no server)."""


def backend_from_settings(settings: Mapping[str, Any], default_outbox: Path) -> Backend:
    """The backend the MAIL_* settings describe."""
    kind = str(settings.get("MAIL_BACKEND") or OUTBOX).lower()
    if kind == OUTBOX:
        return OutboxBackend(Path(settings.get("MAIL_OUTBOX_DIR") or default_outbox))
    if kind == SMTP:
        if not settings.get("MAIL_SERVER"):
            raise MailSettingsError("MAIL_BACKEND is smtp but MAIL_SERVER is not set")
        use_ssl = bool(settings.get("MAIL_SSL"))
        return SmtpBackend(
            host=str(settings["MAIL_SERVER"]),
            port=int(settings.get("MAIL_PORT") or (465 if use_ssl else 587)),
            username=settings.get("MAIL_USERNAME") or None,
            password=settings.get("MAIL_PASSWORD") or None,
            starttls=bool(settings.get("MAIL_STARTTLS", True)),
            use_ssl=use_ssl,
            timeout=float(settings.get("MAIL_TIMEOUT") or 10),
        )
    raise MailSettingsError(f"unknown MAIL_BACKEND {kind!r}: use {OUTBOX!r} or {SMTP!r}")
