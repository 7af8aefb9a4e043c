"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.export.models import ReportJob
from tracker.mail.models import MailPreference, OutboxMessage
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.plan.models import Plan, PlanUnit, plan_coordinators
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision

__all__ = [
    "Area",
    "AuditEvent",
    "MailPreference",
    "Measure",
    "MeasureReport",
    "OutboxMessage",
    "Plan",
    "PlanUnit",
    "ReportJob",
    "ReportRevision",
    "ReportingRound",
    "Responsibility",
    "ResponsibleUnit",
    "Role",
    "UnitKind",
    "User",
    "plan_coordinators",
]
