"""Writes to the audit log. Flush only; the view or command that caused the event commits."""

from flask import has_request_context, request

from tracker.audit.models import AuditEvent
from tracker.extensions import db


def client_address() -> str:
    """The address the request came from (the client's, behind TRUSTED_PROXIES), as stored."""
    return (request.remote_addr or "")[:64] if has_request_context() else ""


def record_event(event: str, user=None, email: str = "", details: dict | None = None) -> AuditEvent:
    """Append ``event`` (e.g. ``login_failed``) with the request's remote address, if any."""
    entry = AuditEvent(
        event=event,
        user_id=user.id if user is not None else None,
        email=email or (user.email if user is not None else ""),
        remote_addr=client_address(),
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
