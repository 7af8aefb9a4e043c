"""Every model, imported in one place so Alembic and the app see the whole schema."""

from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.export.models import ReportJob
from tracker.mail.models import MailPreference, OutboxMessage, ReviewNotice
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit, UnitKind
from tracker.plan.models import Plan, PlanChange, PlanUnit, plan_coordinators
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.results.models import (
    BudgetLine,
    Direction,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
)
from tracker.spreadsheets.models import SheetUpload
from tracker.subscriptions.models import Subscription

__all__ = [
    "Area",
    "AuditEvent",
    "BudgetLine",
    "Direction",
    "Evidence",
    "Indicator",
    "IndicatorValue",
    "MailPreference",
    "Measure",
    "Milestone",
    "MeasureReport",
    "OutboxMessage",
    "Plan",
    "PlanChange",
    "PlanUnit",
    "ReportJob",
    "ReportRevision",
    "ReportingRound",
    "Responsibility",
    "ReviewNotice",
    "ResponsibleUnit",
    "Role",
    "SheetUpload",
    "Subscription",
    "UnitKind",
    "User",
    "plan_coordinators",
]
