"""Reads about rounds and reports. The public pages, the open data and the DOCX report all
count through these functions, so their numbers cannot disagree. Each takes the plan first,
or a round, which knows its plan.

Retired measures: a measure retired on or before the day a count is made for (the round's
«status pr.» date; for the public «now», any retired measure) with no report to count is left
out of that count altogether, never counted as «ikke rapportert». A retired measure that does
have a report is counted under its status, like any other.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.measures.models import Area, Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.states import STATUS_ORDER, ReviewState, RoundState, Status

# What the public, the open data and the final report see of a published round.
PUBLIC_REVIEW_STATES = (ReviewState.APPROVED,)


def latest_published_round(plan: Plan) -> ReportingRound | None:
    return db.session.scalars(
        select(ReportingRound)
        .where(ReportingRound.plan_id == plan.id, ReportingRound.state == RoundState.PUBLISHED)
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .limit(1)
    ).first()


def published_rounds(plan: Plan) -> list[ReportingRound]:
    """The plan's published rounds, newest first."""
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(ReportingRound.plan_id == plan.id, ReportingRound.state == RoundState.PUBLISHED)
            .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        )
    )


def _latest_public_ranked(
    plan: Plan, up_to: ReportingRound | None = None, own_states: tuple[ReviewState, ...] = ()
):
    """Public reports ranked per measure, newest round first: rank 1 is the measure's latest
    public report (approved, in a published round; as of ``up_to`` if given).

    A window function rather than "the latest round's reports", so a measure that had no
    approved report in the latest round keeps the status it last had in public.

    ``own_states``: ``up_to``'s own reports in these review states count too, published or
    not (a draft report of an open round: its saved texts, else what the public last saw).
    """
    counted = and_(
        ReportingRound.state == RoundState.PUBLISHED,
        MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
    )
    if up_to is not None and own_states:
        counted = or_(
            counted,
            and_(MeasureReport.round_id == up_to.id, MeasureReport.review_state.in_(own_states)),
        )
    ranked = (
        select(
            MeasureReport.id.label("report_id"),
            MeasureReport.measure_id.label("measure_id"),
            MeasureReport.status.label("status"),
            func.row_number()
            .over(
                partition_by=MeasureReport.measure_id,
                order_by=(ReportingRound.as_of.desc(), ReportingRound.id.desc()),
            )
            .label("rank"),
        )
        .join(ReportingRound, MeasureReport.round_id == ReportingRound.id)
        .where(ReportingRound.plan_id == plan.id, counted)
    )
    if up_to is not None:
        ranked = ranked.where(
            or_(
                ReportingRound.as_of < up_to.as_of,
                and_(ReportingRound.as_of == up_to.as_of, ReportingRound.id <= up_to.id),
            )
        )
    return ranked.subquery()


def latest_public_report_ids(plan: Plan, up_to: ReportingRound | None = None):
    """The ids of each measure's latest public report, as a subquery to filter on."""
    ranked = _latest_public_ranked(plan, up_to)
    return select(ranked.c.report_id).where(ranked.c.rank == 1)


def latest_public_report_of(measure_id):
    """The id of the measure ``measure_id`` (a column of the enclosing query) last had in
    public: approved, in a published round, the newest by the rank ``_latest_public_ranked``
    gives. A correlated subquery, one index lookup per measure whatever the planner knows: the
    ranked window joined back to 5,000 freshly loaded measures took PostgreSQL 3–4 s (it
    expected one row and compared every pair)."""
    return (
        select(MeasureReport.id)
        .join(ReportingRound, ReportingRound.id == MeasureReport.round_id)
        .where(
            MeasureReport.measure_id == measure_id,
            ReportingRound.state == RoundState.PUBLISHED,
            MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
        )
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_public_reports(
    plan: Plan,
    up_to: ReportingRound | None = None,
    own_states: tuple[ReviewState, ...] = (),
    measure_ids: list[int] | None = None,
) -> dict[int, MeasureReport]:
    """Every measure's latest published, approved report, whichever round it is from, keyed by
    measure id, with its round loaded (one query). What the public sees as "status now", and
    what a new round is pre-filled from; never text that was not published (unless
    ``own_states`` admits ``up_to``'s own unpublished reports, for its draft report).
    ``measure_ids``: only these measures' (one page of a long list)."""
    ranked = _latest_public_ranked(plan, up_to, own_states)
    query = (
        select(MeasureReport)
        .join(ranked, and_(ranked.c.report_id == MeasureReport.id, ranked.c.rank == 1))
        .options(joinedload(MeasureReport.round))
    )
    if measure_ids is not None:
        query = query.where(MeasureReport.measure_id.in_(measure_ids))
    reports = db.session.scalars(query)
    return {report.measure_id: report for report in reports}


def get_round(slug: str) -> ReportingRound | None:
    return db.session.scalars(select(ReportingRound).where(ReportingRound.slug == slug)).first()


def public_report_count(reporting_round: ReportingRound) -> int:
    """How many of the round's reports are in the public review states (one query)."""
    return (
        db.session.scalar(
            select(func.count(MeasureReport.id)).where(
                MeasureReport.round_id == reporting_round.id,
                MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
            )
        )
        or 0
    )


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
    # Measures of the area with no report in the counted review states (e.g. not approved
    # when the round was published): they belong to no status, but still to the plan.
    unreported: int = 0

    @property
    def total(self) -> int:
        """Measures with a counted status."""
        return sum(self.counts.values())

    @property
    def measure_count(self) -> int:
        return self.total + self.unreported


@dataclass(frozen=True)
class StatusSummary:
    """How many measures have each status, per area and in total."""

    areas: list[AreaCounts]
    totals: dict[Status, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Measures with a counted status."""
        return sum(self.totals.values())

    @property
    def unreported(self) -> int:
        return sum(area.unreported for area in self.areas)

    @property
    def measure_count(self) -> int:
        """Every measure in the plan, reported or not."""
        return self.total + self.unreported

    def percentage(self, status: Status) -> int:
        """Share of all the plan's measures, so unreported ones are not hidden."""
        return round(100 * self.totals[status] / self.measure_count) if self.measure_count else 0

    @property
    def unreported_percentage(self) -> int:
        return round(100 * self.unreported / self.measure_count) if self.measure_count else 0


def status_summary(
    reporting_round: ReportingRound, review_states=PUBLIC_REVIEW_STATES
) -> StatusSummary:
    """Counts per area × status for one round's own reports (the DOCX report of that round),
    computed in the database (two queries).

    Every measure of the round's plan is counted once: under its report's status, or as
    unreported when the round has no report for it in ``review_states`` (unless it was retired
    by the round's date: then it is not counted at all).
    """
    counted_report = and_(
        MeasureReport.measure_id == Measure.id,
        MeasureReport.round_id == reporting_round.id,
        MeasureReport.review_state.in_(review_states),
    )
    return _summarise(
        reporting_round.plan_id,
        select(Measure.area_id, MeasureReport.status, func.count(Measure.id))
        .outerjoin(MeasureReport, counted_report)
        .where(
            Measure.plan_id == reporting_round.plan_id,
            or_(
                MeasureReport.id.is_not(None),
                Measure.retired_on.is_(None),
                Measure.retired_on > reporting_round.as_of,
            ),
        )
        .group_by(Measure.area_id, MeasureReport.status),
    )


def public_status_summary(
    plan: Plan, up_to: ReportingRound | None = None, own_states: tuple[ReviewState, ...] = ()
) -> StatusSummary:
    """Counts per area × status of what the public sees: each measure's latest published,
    approved report from whichever round. Unreported here means never reported in public (and
    not retired; as of ``up_to``'s date if given)."""
    ranked = _latest_public_ranked(plan, up_to, own_states)
    not_retired = (
        Measure.retired_on.is_(None)
        if up_to is None
        else or_(Measure.retired_on.is_(None), Measure.retired_on > up_to.as_of)
    )
    return _summarise(
        plan.id,
        select(Measure.area_id, ranked.c.status, func.count(Measure.id))
        .outerjoin(ranked, and_(ranked.c.measure_id == Measure.id, ranked.c.rank == 1))
        .where(Measure.plan_id == plan.id, or_(ranked.c.report_id.is_not(None), not_retired))
        .group_by(Measure.area_id, ranked.c.status),
    )


def status_as_of(
    reporting_round: ReportingRound, review_states=PUBLIC_REVIEW_STATES
) -> tuple[StatusSummary, dict[int, MeasureReport]]:
    """Every measure's status on the round's date, counted and by measure (the report of the
    round): its report in the round in ``review_states``, else its latest published one from an
    earlier round. The public page's query, stopped at the round: for the latest published
    round the two give the same numbers."""
    plan, states = reporting_round.plan, tuple(review_states)
    return (
        public_status_summary(plan, up_to=reporting_round, own_states=states),
        latest_public_reports(plan, up_to=reporting_round, own_states=states),
    )


@dataclass(frozen=True)
class PlanTotals:
    """One plan's public status in a line of the list of plans."""

    totals: dict[Status, int]
    unreported: int

    @property
    def measure_count(self) -> int:
        return sum(self.totals.values()) + self.unreported


def public_totals_by_plan() -> dict[int, PlanTotals]:
    """Every plan's public status totals, by plan id, in one query whatever the number of plans:
    what /planer/ shows beside each plan."""
    ranked = (
        select(
            MeasureReport.measure_id.label("measure_id"),
            MeasureReport.status.label("status"),
            func.row_number()
            .over(
                partition_by=MeasureReport.measure_id,
                order_by=(ReportingRound.as_of.desc(), ReportingRound.id.desc()),
            )
            .label("rank"),
        )
        .join(ReportingRound, MeasureReport.round_id == ReportingRound.id)
        .where(
            ReportingRound.state == RoundState.PUBLISHED,
            MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
        )
        .subquery()
    )
    rows = db.session.execute(
        select(Measure.plan_id, ranked.c.status, func.count(Measure.id))
        .outerjoin(ranked, and_(ranked.c.measure_id == Measure.id, ranked.c.rank == 1))
        .where(or_(ranked.c.status.is_not(None), Measure.retired_on.is_(None)))
        .group_by(Measure.plan_id, ranked.c.status)
    ).all()
    totals: dict[int, dict[Status, int]] = {}
    unreported: dict[int, int] = {}
    for plan_id, status, count in rows:
        counts = totals.setdefault(plan_id, dict.fromkeys(STATUS_ORDER, 0))
        if status is None:
            unreported[plan_id] = count
        else:
            counts[Status(status)] = count
    return {
        plan_id: PlanTotals(totals=counts, unreported=unreported.get(plan_id, 0))
        for plan_id, counts in totals.items()
    }


def _summarise(plan_id: int, counts_query) -> StatusSummary:
    """Turn (area id, status or None, count) rows into a summary with every area and status."""
    rows = db.session.execute(counts_query).all()
    counts: dict[int, dict[Status, int]] = {}
    unreported: dict[int, int] = {}
    for area_id, status, count in rows:
        if status is None:
            unreported[area_id] = count
        else:
            counts.setdefault(area_id, dict.fromkeys(STATUS_ORDER, 0))[Status(status)] = count
    areas = [
        AreaCounts(
            key=area.key,
            name=area.name,
            name_en=area.name_en,
            counts=counts.get(area.id, dict.fromkeys(STATUS_ORDER, 0)),
            unreported=unreported.get(area.id, 0),
        )
        for area in db.session.scalars(
            select(Area).where(Area.plan_id == plan_id).order_by(Area.position)
        )
    ]
    totals = {status: sum(a.counts[status] for a in areas) for status in STATUS_ORDER}
    return StatusSummary(areas=areas, totals=totals)
