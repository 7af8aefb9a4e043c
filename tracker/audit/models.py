from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.timeutil import utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


class AuditEvent(Model):
    """A security-relevant event: sign-ins, failed sign-ins, approvals, publications."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # Sign-in throttling counts recent failures per e-mail and per address on every attempt.
        Index("ix_audit_events_event_email_created_at", "event", "email", "created_at"),
        Index("ix_audit_events_event_remote_addr_created_at", "event", "remote_addr", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    event: Mapped[str] = mapped_column(String(50), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The e-mail typed, kept even when no such user exists (failed sign-ins).
    email: Mapped[str] = mapped_column(String(254), default="")
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped["User | None"] = relationship()
