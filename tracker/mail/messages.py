"""Rendering a message: subject, plain text and HTML alternative from templates/mail/, in
Norwegian bokmål (staff mail) or the language a reader subscribed in, with absolute links made
from PUBLIC_URL."""

import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime

from flask import render_template
from flask_babel import force_locale

from tracker.timeutil import utcnow


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# RFC 2047 encoded words ("=?utf-8?q?…?=") in a header are decoded by whoever reads it, and
# Python's email package before 3.11.10 (CVE-2024-6923) wrote a line break decoded from one as a
# real line break when it folded the header: a round title could add a Bcc to every message.
ENCODED_WORD_START = "=?"
# A line break in a generated header that is not followed by folding white space starts a new
# header (the check Python 3.11.10 added as verify_generated_headers).
_NEW_HEADER_LINE = re.compile(r"\r\n[^ \t]|\r[^ \n\t]|\n[^ \t]")


class HeaderInjection(HeaderParseError):
    """A header would have come out as more than one header."""


class MailPolicy(EmailPolicy):
    """The SMTP policy (CRLF line ends) that refuses to write a header whose folded form holds
    a line break of its own, whichever Python this runs on."""

    def fold(self, name, value):
        return self._checked(name, super().fold(name, value))

    def fold_binary(self, name, value):
        folded = super().fold_binary(name, value)
        self._checked(name, folded.decode("ascii", "surrogateescape"))
        return folded

    def _checked(self, name, folded: str) -> str:
        body = folded[: -len(self.linesep)] if folded.endswith(self.linesep) else folded
        if not folded.endswith(self.linesep) or _NEW_HEADER_LINE.search(body):
            raise HeaderInjection(f"Overskriften {name} ville blitt delt i flere linjer.")
        return folded


MAIL_POLICY = MailPolicy(linesep="\r\n")


def one_line(text: str) -> str:
    """Header text that is read as written: one line, and no encoded-word syntax to decode."""
    return " ".join(text.split()).replace(ENCODED_WORD_START, "= ?")


def render(template: str, subject, locale: str = "nb", **context) -> Rendered:
    """``subject`` is a (lazy) gettext string; it is translated here like the bodies."""
    with force_locale(locale):
        subject_text = one_line(str(subject))
        context = {"subject": subject_text, **context}
        return Rendered(
            subject=subject_text[:300],
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", **context),
        )


def email_message(message, sender: str) -> EmailMessage:
    """The outbox row as an e-mail. The Message-ID is the row's own, so a message sent again
    after a crashed sender can be recognised as the same one."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{message.event_key_digest}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"  # no vacation replies to a robot
    if message.unsubscribe_url:
        # One click in the mail program ends a public subscription (RFC 2369, RFC 8058).
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email
