"""Writes to the audit log. Flush only; the view or command that caused the event commits."""

from datetime import timedelta

from flask import has_request_context, request
from sqlalchemy import exists, func, select

from tracker.audit.events import (
    BOUNDED_EVENTS_PER_SOURCE_PER_HOUR,
    SOURCE_BOUNDED_EVENTS,
    SUPPRESSED,
)
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.timeutil import utcnow


def client_address() -> str:
    """The address the request came from (the client's, behind TRUSTED_PROXIES), as stored."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def record_event(
    event: str, user=None, email: str = "", details: dict | None = None, bounded: bool = False
) -> AuditEvent | None:
    """Append ``event`` (e.g. ``login_failed``) with the request's remote address, if any.

    ``bounded``: a refusal anyone can repeat as fast as they send requests (one of
    SOURCE_BOUNDED_EVENTS). Beyond BOUNDED_EVENTS_PER_SOURCE_PER_HOUR from one address, it is
    not written (None); the first one left out writes a SUPPRESSED marker instead.
    """
    remote_addr = client_address()
    if bounded and remote_addr and _source_is_over_its_bound(remote_addr):
        _mark_suppressed(remote_addr, event)
        return None
    entry = AuditEvent(
        event=event,
        user_id=user.id if user is not None else None,
        email=email or (user.email if user is not None else ""),
        remote_addr=remote_addr,
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _source_is_over_its_bound(remote_addr: str) -> bool:
    # (event, remote_addr, created_at) is indexed: one index range per kind.
    recent = db.session.scalar(
        select(func.count()).where(
            AuditEvent.event.in_(SOURCE_BOUNDED_EVENTS),
            AuditEvent.remote_addr == remote_addr,
            AuditEvent.created_at > utcnow() - timedelta(hours=1),
        )
    )
    return (recent or 0) >= BOUNDED_EVENTS_PER_SOURCE_PER_HOUR


def _mark_suppressed(remote_addr: str, event: str) -> None:
    since = utcnow() - timedelta(hours=1)
    marked = db.session.scalar(
        select(
            exists().where(
                AuditEvent.event == SUPPRESSED,
                AuditEvent.remote_addr == remote_addr,
                AuditEvent.created_at > since,
            )
        )
    )
    if not marked:
        db.session.add(
            AuditEvent(
                event=SUPPRESSED,
                remote_addr=remote_addr,
                details={
                    "first_left_out": event,
                    "limit_per_hour": BOUNDED_EVENTS_PER_SOURCE_PER_HOUR,
                },
            )
        )
        db.session.flush()
