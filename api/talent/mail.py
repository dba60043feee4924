"""Sending the talent community's emails: over SMTP (CA_SMTP_URL), or into var/outbox/ (the default),
so that development and `make run` never send anything off the machine."""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from api.config import Settings

log = logging.getLogger(__name__)


class MailError(Exception):
    """The email could not be handed to the SMTP server (the reason, never the address)."""


def send(settings: Settings, message: EmailMessage) -> None:
    message["From"] = settings.smtp_from
    url = settings.smtp_url.get_secret_value()
    if not url:
        outbox = settings.var_dir / "outbox"
        outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = outbox / f"{uuid.uuid4().hex}.eml"
        # The email holds an address: readable by this service's user only, like the database.
        path.touch(mode=0o600)
        path.write_bytes(bytes(message))
        log.info("email written to var/outbox/%s (CA_SMTP_URL is not set)", path.name)
        return
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailError("CA_SMTP_URL must look like smtp://host:port or smtps://user:password@host:465")
    timeout = settings.smtp_timeout_seconds
    try:
        if parts.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                parts.hostname, parts.port or 465, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=timeout)
        with server:
            if parts.scheme == "smtp":
                server.ehlo()
                if server.has_extn("starttls"):
                    server.starttls(context=ssl.create_default_context())
                    server.ehlo()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"{type(exc).__name__}: the SMTP server did not take the email") from exc


def outbox(settings: Settings) -> list[Path]:
    return sorted((settings.var_dir / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime)
