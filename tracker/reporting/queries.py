"""Reads about rounds and reports. The public pages, the open data and the DOCX report all
count through these functions, so their numbers cannot disagree."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.measures.models import Area, Measure
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.states import STATUS_ORDER, ReviewState, RoundState, Status

# What the public, the open data and the final report see of a published round.
PUBLIC_REVIEW_STATES = (ReviewState.APPROVED,)


def latest_published_round() -> ReportingRound | None:
    return db.session.scalars(
        select(ReportingRound)
        .where(ReportingRound.state == RoundState.PUBLISHED)
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .limit(1)
    ).first()


def published_rounds() -> list[ReportingRound]:
    """Published rounds, newest first."""
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(ReportingRound.state == RoundState.PUBLISHED)
            .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        )
    )


def get_round(slug: str) -> ReportingRound | None:
    return db.session.scalars(select(ReportingRound).where(ReportingRound.slug == slug)).first()


def reports_by_measure(
    reporting_round: ReportingRound, review_states=PUBLIC_REVIEW_STATES
) -> dict[int, MeasureReport]:
    """The round's reports in the given review states, keyed by measure id (one query)."""
    reports = db.session.scalars(
        select(MeasureReport).where(
            MeasureReport.round_id == reporting_round.id,
            MeasureReport.review_state.in_(review_states),
        )
    )
    return {report.measure_id: report for report in reports}


@dataclass(frozen=True)
class AreaCounts:
    key: str
    name: str
    name_en: str
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StatusSummary:
    """How many measures have each status, per area and in total."""

    areas: list[AreaCounts]
    totals: dict[Status, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def percentage(self, status: Status) -> int:
        return round(100 * self.totals[status] / self.total) if self.total else 0


def status_summary(
    reporting_round: ReportingRound, review_states=PUBLIC_REVIEW_STATES
) -> StatusSummary:
    """Counts per area × status for a round, computed in the database (two queries)."""
    rows = db.session.execute(
        select(Measure.area_id, MeasureReport.status, func.count())
        .join(MeasureReport, MeasureReport.measure_id == Measure.id)
        .where(
            MeasureReport.round_id == reporting_round.id,
            MeasureReport.review_state.in_(review_states),
        )
        .group_by(Measure.area_id, MeasureReport.status)
    ).all()
    by_area: dict[int, dict[Status, int]] = {}
    for area_id, status, count in rows:
        by_area.setdefault(area_id, dict.fromkeys(STATUS_ORDER, 0))[Status(status)] = count
    areas = [
        AreaCounts(
            key=area.key,
            name=area.name,
            name_en=area.name_en,
            counts=by_area.get(area.id, dict.fromkeys(STATUS_ORDER, 0)),
        )
        for area in db.session.scalars(select(Area).order_by(Area.position))
    ]
    totals = {status: sum(a.counts[status] for a in areas) for status in STATUS_ORDER}
    return StatusSummary(areas=areas, totals=totals)
