"""Invitation and reminder e-mails over SMTP (optional: without SMTP, links are the workflow)."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail."""

    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    sender: str = "saleshealth@localhost"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """Settings from app config, or None when SMTP is not configured."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT", 25)),
            user=config.get("SMTP_USER", ""),
            password=config.get("SMTP_PASSWORD", ""),
            starttls=bool(config.get("SMTP_STARTTLS")),
            sender=config.get("MAIL_FROM", "saleshealth@localhost"),
        )


@dataclass(frozen=True)
class Mail:
    """One message to one person."""

    to: str
    subject: str
    body: str


def send_all(settings: SmtpSettings, mails: list[Mail]) -> int:
    """Send messages over one connection; returns how many were accepted."""
    if not mails:
        return 0
    sent = 0
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        for mail in mails:
            msg = EmailMessage()
            msg["From"] = settings.sender
            msg["To"] = mail.to
            msg["Subject"] = mail.subject
            msg.set_content(mail.body)
            smtp.send_message(msg)
            sent += 1
    return sent


def send_each(settings: SmtpSettings, mails: Sequence[Mail]) -> list[str]:
    """Send messages over one connection; one error text per message ("" when accepted).

    A refused recipient (or a connection lost half-way) fails only the messages it
    concerns; a connection that cannot be opened raises (nothing was sent).
    """
    if not mails:
        return []
    errors: list[str] = []
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        for mail in mails:
            msg = EmailMessage()
            msg["From"] = settings.sender
            msg["To"] = mail.to
            msg["Subject"] = mail.subject
            msg.set_content(mail.body)
            try:
                smtp.send_message(msg)
            except (smtplib.SMTPException, OSError) as exc:
                # This message failed; the ones before it were accepted and stay sent.
                errors.append(str(exc)[:200] or type(exc).__name__)
            else:
                errors.append("")
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()  # what was accepted stays accepted
    return errors
