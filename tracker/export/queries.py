"""Reads only the exporter needs: which rounds can be exported, and what came before one."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.plan.models import Plan
from tracker.reporting.models import ReportingRound
from tracker.reporting.states import RoundState


def exportable_rounds(plans: list[Plan] | None = None) -> list[ReportingRound]:
    """Every round of the plans (None: of every plan), newest first: the coordinator may want a
    draft report of an open one."""
    query = select(ReportingRound).order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
    if plans is not None:
        query = query.where(ReportingRound.plan_id.in_([plan.id for plan in plans]))
    return list(db.session.scalars(query))


def previous_published_round(reporting_round: ReportingRound) -> ReportingRound | None:
    """The newest published round of the same plan dated before ``reporting_round`` (what the
    appendix compares with)."""
    return db.session.scalars(
        select(ReportingRound)
        .where(
            ReportingRound.plan_id == reporting_round.plan_id,
            ReportingRound.state == RoundState.PUBLISHED,
            ReportingRound.as_of < reporting_round.as_of,
            ReportingRound.id != reporting_round.id,
        )
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .limit(1)
    ).first()
