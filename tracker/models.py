"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.mail.models import MailPreference, OutboxMessage
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import Ministry
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision

__all__ = [
    "Area",
    "MailPreference",
    "OutboxMessage",
    "AuditEvent",
    "Measure",
    "MeasureReport",
    "Ministry",
    "ReportRevision",
    "Plan",
    "ReportingRound",
    "Responsibility",
    "Role",
    "User",
]
