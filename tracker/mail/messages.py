"""Rendering a message: subject, plain text and HTML alternative from templates/mail/, always in
Norwegian bokmål, with absolute links made from PUBLIC_URL."""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime

from flask import render_template
from flask_babel import force_locale

from tracker.timeutil import utcnow


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, subject, **context) -> Rendered:
    """``subject`` is a (lazy) gettext string; it is made Norwegian here like the bodies."""
    with force_locale("nb"):
        subject_text = " ".join(str(subject).split())  # a header is one line
        context = {"subject": subject_text, **context}
        return Rendered(
            subject=subject_text[:300],
            text=render_template(f"mail/{template}.txt", **context),
            html=render_template(f"mail/{template}.html", **context),
        )


def email_message(message, sender: str) -> EmailMessage:
    """The outbox row as an e-mail. The Message-ID is the row's own, so a message sent again
    after a crashed sender can be recognised as the same one."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}.{message.event_key_digest}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"  # no vacation replies to a robot
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email
