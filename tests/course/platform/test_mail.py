"""Mail messages and their delivery: the outbox folder, and SMTP against a real local server. No Flask."""

from __future__ import annotations

import smtplib
import stat
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from course.platform import mail
from tests.conftest import SMTP_LOGIN

SENDER = "Convention Academy <no-reply@academy.example.org>"


def message(to: str = "official@example.org", subject: str = "Choose a new password", body: str = "") -> Any:
    return mail.compose(
        sender=SENDER,
        to=to,
        subject=subject,
        body=body or "Hello,\n\nhttps://x.example/link\n",
        language="fr",
    )


def test_a_message_has_the_headers_mail_programs_expect() -> None:
    built = message(subject="Réinitialisez votre mot de passe", body="Bonjour Nguyễn,\n\nمرحبا\n")
    parsed = message_from_bytes(mail.as_bytes(built), policy=policy.default)
    assert parsed["From"] == SENDER and parsed["To"] == "official@example.org"
    assert parsed["Subject"] == "Réinitialisez votre mot de passe"
    assert parsed["Message-ID"].endswith("@academy.example.org>") and parsed["Date"]
    assert parsed["Auto-Submitted"] == "auto-generated" and parsed["Content-Language"] == "fr"
    assert parsed.get_content_type() == "text/plain" and parsed.get_content_charset() == "utf-8"
    assert parsed.get_content() == "Bonjour Nguyễn,\n\nمرحبا\n"
    assert mail.as_bytes(built).isascii()  # RFC 5322 on the wire: encoded words and a transfer encoding


def test_no_text_can_add_a_header() -> None:
    with pytest.raises(ValueError):
        message(subject="Hello\nBcc: everyone@example.org")


def test_the_outbox_keeps_each_message_as_a_private_eml_file(tmp_path: Path) -> None:
    folder = tmp_path / "instance" / "outbox"
    backend = mail.OutboxBackend(folder)
    first = backend.deliver(message(to="a@example.org"))
    second = backend.deliver(message(to="用户@例子.中国"))  # an internationalised address (RFC 6532)
    files = sorted(folder.glob("*.eml"))
    assert [str(f) for f in files] == [first, second]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert not list(folder.glob(".*"))  # no half-written file left behind
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert [p["To"] for p in parsed] == ["a@example.org", "用户@例子.中国"]


def test_smtp_delivers_to_a_real_server_with_a_login(smtp_server: Any) -> None:
    backend = mail.SmtpBackend(
        "127.0.0.1", smtp_server.port, username=SMTP_LOGIN[0], password=SMTP_LOGIN[1], starttls=False
    )
    assert backend.deliver(message(body="Bonjour,\n\nhttps://academy.example.org/x\n")) == (
        f"127.0.0.1:{smtp_server.port}"
    )
    [envelope] = smtp_server.envelopes
    assert envelope.mail_from == "no-reply@academy.example.org"
    assert envelope.rcpt_tos == ["official@example.org"]
    [received] = smtp_server.messages()
    assert received["Subject"] == "Choose a new password"
    assert "https://academy.example.org/x" in received.get_content()


def test_smtp_refuses_a_wrong_login_and_says_so(smtp_server: Any) -> None:
    backend = mail.SmtpBackend(
        "127.0.0.1", smtp_server.port, username="academy", password="wrong", starttls=False
    )
    with pytest.raises(smtplib.SMTPAuthenticationError):
        backend.deliver(message())
    assert smtp_server.envelopes == []


def test_smtp_to_a_server_that_is_not_there_fails_quickly() -> None:
    from tests.system.server import free_port

    backend = mail.SmtpBackend("127.0.0.1", free_port(), starttls=False, timeout=2)
    with pytest.raises(OSError):
        backend.deliver(message())


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, mail.OutboxBackend(Path("/default/outbox"))),
        ({"MAIL_OUTBOX_DIR": "/srv/mail"}, mail.OutboxBackend(Path("/srv/mail"))),
        ({"MAIL_BACKEND": "smtp", "MAIL_SERVER": "mx.example.org"}, mail.SmtpBackend("mx.example.org", 587)),
        (
            {"MAIL_BACKEND": "SMTP", "MAIL_SERVER": "mx", "MAIL_SSL": True, "MAIL_USERNAME": "u"},
            mail.SmtpBackend("mx", 465, username="u", use_ssl=True),
        ),
        (
            {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "mx", "MAIL_PORT": 25, "MAIL_STARTTLS": False},
            mail.SmtpBackend("mx", 25, starttls=False),
        ),
    ],
)
def test_settings_choose_the_backend(settings: dict[str, Any], expected: Any) -> None:
    assert mail.backend_from_settings(settings, Path("/default/outbox")) == expected


@pytest.mark.parametrize("settings", [{"MAIL_BACKEND": "smtp"}, {"MAIL_BACKEND": "carrier-pigeon"}])
def test_settings_that_cannot_work_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(mail.MailSettingsError):
        mail.backend_from_settings(settings, Path("/default/outbox"))
