"""A database with a history worth moving: the plan, an open round, edits by people and audit
events."""

from datetime import UTC, datetime

from sqlalchemy import select

from tests.factories import (
    AuditEventFactory,
    ReportFactory,
    RevisionFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)
from tracker.extensions import db
from tracker.models import Measure, Role
from tracker.plan.loader import load_plan
from tracker.reporting.states import ReviewState, Status


def build_history(plan_data: dict) -> None:
    load_plan(db.session, plan_data)
    contact = UserFactory(name="Åse Ærlig-Øyen", email="ase@aid.example.no")
    coordinator = UserFactory(role=Role.COORDINATOR, unit=None, active=False)
    measure = db.session.scalar(select(Measure).where(Measure.number == 1))
    report = ReportFactory(
        round=RoundFactory(slug="status-2026", deadline=None),
        measure=measure,
        narrative="Arbeidet er i gang.",
        updated_by=contact,
    )
    # A second save: the optimistic lock moves the version to 2.
    report.narrative = "Første avsnitt «sitat» <script>alert(1)</script>\n\n- punkt én\n- punkt to"
    report.narrative_language = "nn"
    report.updated_at = datetime(2026, 3, 1, 11, 30, 15, 123456, tzinfo=UTC)
    db.session.flush()
    RevisionFactory(
        report=report,
        version=1,
        author=contact,
        old_status=None,
        old_narrative=None,
        created_at=datetime(2026, 2, 28, 23, 59, 59, tzinfo=UTC),
    )
    RevisionFactory(
        report=report,
        version=2,
        author=coordinator,
        action="returned",
        comment="Utdyp, takk.",
        old_status=Status.IN_PROGRESS,
        old_narrative="Arbeidet er i gang.",
        new_narrative=report.narrative,
        narrative_language="nn",
        old_review_state=ReviewState.SUBMITTED,
        created_at=datetime(2026, 3, 1, 11, 30, 15, 123456, tzinfo=UTC),
    )
    AuditEventFactory(
        user=contact, details={"metode": "passord", "nøstet": {"liste": [1, 2.5, None, True]}}
    )
    AuditEventFactory(event="sign_in_failed", email="ukjent@example.no", remote_addr="203.0.113.9")
    # A unit merged into one made after it: a row that refers to a later row of its own table.
    UnitFactory(abbreviation="GML", name="Gammelt departement").merged_into = UnitFactory(
        abbreviation="NYTT", name="Nytt departement"
    )
    db.session.commit()
