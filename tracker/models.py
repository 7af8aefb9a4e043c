"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.mail.models import MailPreference, OutboxMessage
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.plan.models import Plan, PlanUnit, plan_coordinators
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.subscriptions.models import Subscription

__all__ = [
    "Area",
    "AuditEvent",
    "MailPreference",
    "Measure",
    "MeasureReport",
    "OutboxMessage",
    "Plan",
    "PlanUnit",
    "ReportRevision",
    "ReportingRound",
    "Responsibility",
    "ResponsibleUnit",
    "Role",
    "Subscription",
    "UnitKind",
    "User",
    "plan_coordinators",
]
