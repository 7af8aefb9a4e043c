"""MAIL_URL → an SMTP connection: smtp:// (STARTTLS when offered, or required with
``?starttls=required``) and smtps:// (implicit TLS)."""

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from tracker.settings import Invalid


@dataclass(frozen=True)
class MailServer:
    implicit_tls: bool
    host: str
    port: int
    username: str
    password: str
    starttls_required: bool


class StartTLSMissing(smtplib.SMTPException):
    """``?starttls=required`` but the server does not offer STARTTLS: nothing is sent in clear."""


def parse_mail_url(url: str) -> MailServer:
    """The server a MAIL_URL names; ``Invalid`` says what a malformed one must be (the
    settings loader refuses it at start, so sending never meets one)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise Invalid(
            "må ha formen smtp://[bruker:passord@]vert:port eller smtps://[bruker:passord@]vert:port"
        )
    options = parse_qs(parts.query)
    starttls = options.get("starttls", [""])[0]
    if starttls not in ("", "required"):
        raise Invalid("kan bare ha valget ?starttls=required")
    try:
        port = parts.port
    except ValueError:
        raise Invalid("må ha et portnummer fra 1 til 65535") from None
    implicit_tls = parts.scheme == "smtps"
    return MailServer(
        implicit_tls=implicit_tls,
        host=parts.hostname,
        port=port or (465 if implicit_tls else 25),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls_required=starttls == "required",
    )


def connect(server: MailServer, timeout: float) -> smtplib.SMTP:
    """An open, greeted (and signed-in, if the URL has a user) SMTP connection."""
    context = ssl.create_default_context()
    connection: smtplib.SMTP
    if server.implicit_tls:
        connection = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        connection = smtplib.SMTP(server.host, server.port, timeout=timeout)
    try:
        connection.ehlo()
        if not server.implicit_tls:
            if connection.has_extn("starttls"):
                connection.starttls(context=context)
                connection.ehlo()
            elif server.starttls_required:
                raise StartTLSMissing("Serveren tilbyr ikke STARTTLS (starttls=required).")
        if server.username:
            connection.login(server.username, server.password)
    except BaseException:
        connection.close()
        raise
    return connection
