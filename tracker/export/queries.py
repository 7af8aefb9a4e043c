"""Reads only the exporter needs: which rounds can be exported, and what came before one."""

from sqlalchemy import select

from tracker.extensions import db
from tracker.reporting.models import ReportingRound
from tracker.reporting.states import RoundState


def exportable_rounds() -> list[ReportingRound]:
    """Every round, newest first: the coordinator may want a draft report of an open one."""
    return list(
        db.session.scalars(
            select(ReportingRound).order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        )
    )


def previous_published_round(reporting_round: ReportingRound) -> ReportingRound | None:
    """The newest published round dated before ``reporting_round`` (what the appendix compares
    with)."""
    return db.session.scalars(
        select(ReportingRound)
        .where(
            ReportingRound.state == RoundState.PUBLISHED,
            ReportingRound.as_of < reporting_round.as_of,
            ReportingRound.id != reporting_round.id,
        )
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .limit(1)
    ).first()
