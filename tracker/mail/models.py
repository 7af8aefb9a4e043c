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
    from tracker.reporting.models import ReportRevision
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


# What each kind of message is, in the outbox an administrator reads.
MESSAGE_KINDS = {
    "invitation": N_("Invitasjon"),
    "password_reset": N_("Glemt passord"),
    "round_opened": N_("Runde åpnet"),
    "reminder": N_("Påminnelse om frist"),
    "report_submitted": N_("Rapport sendt inn"),
    "submitted_digest": N_("Daglig oversikt til koordinator"),
    "review_decisions": N_("Rapporter godkjent eller sendt tilbake"),
    "report_approved": N_("Rapport godkjent"),  # one per report, before decisions were gathered
    "report_returned": N_("Rapport sendt tilbake"),
    "report_corrected": N_("Rapport rettet av koordinatoren"),
    "round_closed": N_("Runde lukket"),
    "round_reopened": N_("Runde åpnet igjen"),
    "round_published": N_("Runde publisert"),
    "publication_withdrawn": N_("Publisering trukket tilbake"),
}


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
    def kind_label(self) -> str:
        """The untranslated name of the kind (the template translates it)."""
        return MESSAGE_KINDS.get(self.event, self.event)

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


class DecisionMail(LabelledEnum):
    """How a contact person hears about the coordinator's approvals and returns: never one
    message per report, always gathered (ReviewNotice)."""

    IMMEDIATE = (
        "immediate",
        N_("Straks: én samlet e-post når koordinatoren er ferdig med en gjennomgang"),
    )  # the default
    DAILY = "daily", N_("Én samlet e-post om dagen")


class MailPreference(Model):
    """A person's choices about e-mail; no row means the defaults."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    submissions: Mapped[SubmissionMail] = mapped_column(
        enum_column(SubmissionMail, "submission_mail"), default=SubmissionMail.DAILY
    )
    decisions: Mapped[DecisionMail] = mapped_column(
        enum_column(DecisionMail, "decision_mail"),
        default=DecisionMail.IMMEDIATE,
        server_default=DecisionMail.IMMEDIATE.value,
    )


class ReviewNotice(Model):
    """A coordinator's decision (a report approved or returned) waiting to be told to one contact
    person. The decisions of one review sitting go out together, in one message per person, once
    the coordinator says «Ferdig med gjennomgangen» or has been quiet for MAIL_REVIEW_QUIET_MINUTES
    (or in the daily run, for those who chose one message a day)."""

    __tablename__ = "review_notices"
    __table_args__ = (
        UniqueConstraint("user_id", "revision_id", name="uq_review_notices_user_id_revision_id"),
        Index("ix_review_notices_released_at_created_at", "released_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("report_revisions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When it went into a message (the outbox); None while it is being gathered.
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped["User"] = relationship()
    revision: Mapped["ReportRevision"] = relationship()
