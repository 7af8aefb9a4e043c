import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enum_columns import enum_column
from tracker.extensions import db
from tracker.labelled_enum import LabelledEnum
from tracker.text import N_
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.extensions import Base as Model  # what db.Model is built on
else:
    # Flask-SQLAlchemy makes db.Model at runtime, so mypy cannot take it as a base class.
    Model = db.Model


class MessageState(LabelledEnum):
    # Waiting for its first try, or for the next after a failure.
    PENDING = "pending", N_("Venter")
    # The SMTP server accepted it.
    SENT = "sent", N_("Sendt")
    # Given up: permanent refusal, or too many tries; the admin sees why.
    FAILED = "failed", N_("Mislyktes")
    # The recipient was deactivated before it went out.
    CANCELLED = "cancelled", N_("Avbrutt")


class OutboxMessage(Model):
    """One e-mail to one recipient, written in the same transaction as the change that caused it.

    ``event_key`` names the occurrence (e.g. ``round_opened:3``); with the recipient it is the
    idempotency key, so queueing the same event twice leaves one row.
    """

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("event_key", "recipient", name="uq_mail_messages_event_key_recipient"),
        # The sender's scan: due, unclaimed pending rows in order.
        Index("ix_mail_messages_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(40))  # the kind: round_opened, reminder, ...
    event_key: Mapped[str] = mapped_column(String(200))
    recipient: Mapped[str] = mapped_column(String(254))
    # Accounts are deactivated, not deleted; if one is, its messages stay, addressed by e-mail.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    state: Mapped[MessageState] = mapped_column(
        enum_column(MessageState, "mail_message_state"), default=MessageState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A sender owns the row until then (the SQLite claim, and recovery after a crashed sender).
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claim_token: Mapped[str | None] = mapped_column(String(40))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A public subscriber's one-click unsubscribe address (List-Unsubscribe, RFC 8058); None for
    # mail to accounts.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))

    user: Mapped["User | None"] = relationship()

    @property
    def event_key_digest(self) -> str:
        """A short stable fingerprint of the idempotency key, for the Message-ID."""
        key = f"{self.event_key}|{self.recipient}".encode()
        return hashlib.sha256(key).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.event_key} → {self.recipient} {self.state}>"


class SubmissionMail(LabelledEnum):
    """How a coordinator hears about submitted reports."""

    DAILY = "daily", N_("Én samlet e-post om dagen")  # one digest a day (the default)
    IMMEDIATE = (
        "immediate",
        N_("En e-post straks for hver innsendte rapport"),
    )  # one message per submitted report


class MailPreference(Model):
    """A person's choices about e-mail; no row means the defaults."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    submissions: Mapped[SubmissionMail] = mapped_column(
        enum_column(SubmissionMail, "submission_mail"), default=SubmissionMail.DAILY
    )
