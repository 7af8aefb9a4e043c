"""Reads from the audit log."""

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def recent_events(limit: int = 200) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)))
