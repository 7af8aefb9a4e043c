"""Reads for the public pages and the open data.

Every function here issues one query, whatever the number of measures and plans (collections
are joined, never loaded per row or in IN-batches), and every one of them sees only published
rounds and, within them, only reports in PUBLIC_REVIEW_STATES. Each takes the plan first.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, false, func, select, true
from sqlalchemy.orm import aliased, contains_eager, joinedload

from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.measures.models import Area, Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit
from tracker.paging import Paged
from tracker.plan.models import Plan, PlanChange
from tracker.public.search import matching_measures
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import PUBLIC_REVIEW_STATES, latest_public_report_ids
from tracker.reporting.states import NOT_REPORTED, RoundState, Status
from tracker.reporting.workflow_queries import today
from tracker.results.queries import has_overdue_milestone, results_version

_PUBLISHED = ReportingRound.state == RoundState.PUBLISHED
# The audit event reporting.operations.withdraw_publication records: the moment a publication
# left the public pages, which no published row keeps.
_WITHDRAWAL_EVENT = "round_unpublished"


@dataclass(frozen=True)
class DataVersion:
    """What the public pages show, reduced to a key that changes whenever any of it changes."""

    key: tuple
    last_modified: datetime | None


def published_data_version() -> DataVersion:
    """One small query: aggregates over the plans, the published rounds and every report in them.

    Any publish, unpublish or report edit in a published round changes a count, a sum of
    row versions (the optimistic lock bumps it on every update) or a timestamp; a plan added
    or removed changes the plans' count or ids (the site's front page lists them).

    ``last_modified`` never goes backwards: a withdrawal takes its round's publication time
    off the public pages, so the latest withdrawal counts as a change too. Were it otherwise, a
    client revalidating with If-Modified-Since would be told the withdrawn copy it holds is
    still current (304).
    """
    rounds = (
        select(
            func.count(ReportingRound.id).label("count"),
            func.coalesce(func.sum(ReportingRound.id), 0).label("ids"),
            func.max(ReportingRound.published_at).label("published_at"),
        )
        .where(_PUBLISHED)
        .subquery()
    )
    reports = (
        select(
            func.count(MeasureReport.id).label("count"),
            func.coalesce(func.sum(MeasureReport.version), 0).label("versions"),
            func.max(MeasureReport.updated_at).label("updated_at"),
        )
        .join(ReportingRound, MeasureReport.round_id == ReportingRound.id)
        .where(_PUBLISHED, MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES))
        .subquery()
    )
    withdrawn_at = (
        select(func.max(AuditEvent.created_at))
        .where(AuditEvent.event == _WITHDRAWAL_EVENT)
        .scalar_subquery()
    )
    plans = select(
        func.count(Plan.id).label("count"), func.coalesce(func.sum(Plan.id), 0).label("ids")
    ).subquery()
    results = results_version()
    # Every change to a plan's text (a measure edited or retired, an area renamed, a unit
    # reorganised) appends a row: the newest id changes whatever was edited.
    plan_text = select(
        func.coalesce(func.max(PlanChange.id), 0).label("change"),
        func.max(PlanChange.created_at).label("changed_at"),
    ).subquery()
    row = db.session.execute(
        select(
            rounds,
            reports.c.count,
            reports.c.versions,
            reports.c.updated_at,
            withdrawn_at,
            plans.c.count,
            plans.c.ids,
            results,
            plan_text.c.change,
            plan_text.c.changed_at,
        )
        .select_from(rounds)
        .join(reports, true())  # one-row aggregates side by side
        .join(plans, true())
        .join(results, true())
        .join(plan_text, true())
    ).one()
    (
        round_count,
        round_ids,
        published_at,
        report_count,
        versions,
        updated_at,
        withdrawn,
        plan_count,
        plan_ids,
        *results_key,
        plan_change,
        plan_changed_at,
    ) = row
    moments = [
        _aware(moment)
        for moment in (published_at, updated_at, withdrawn, plan_changed_at)
        if moment is not None
    ]
    return DataVersion(
        key=(
            round_count,
            round_ids,
            published_at,
            report_count,
            versions,
            updated_at,
            withdrawn,
            plan_count,
            plan_ids,
            *results_key,
            plan_change,
        ),
        last_modified=max(moments) if moments else None,
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def get_published_round(slug: str, plan: Plan | None = None) -> ReportingRound | None:
    """A published round by its slug (unique in the installation); None when it is another
    plan's, if ``plan`` is given."""
    query = select(ReportingRound).where(ReportingRound.slug == slug, _PUBLISHED)
    if plan is not None:
        query = query.where(ReportingRound.plan_id == plan.id)
    return db.session.scalars(query).first()


@dataclass(frozen=True)
class MeasureFilter:
    """What a reader narrowed the list of measures to; empty fields mean "all"."""

    area: str = ""
    unit: str = ""
    status: str = ""
    text: str = ""
    # Only measures with a milestone past its date and not done («forsinket»).
    overdue: bool = False

    @property
    def active(self) -> bool:
        return any((self.area, self.unit, self.status, self.text, self.overdue))


def public_measures(
    plan: Plan,
    reporting_round: ReportingRound | None,
    measure_filter: MeasureFilter = MeasureFilter(),
) -> list[Measure]:
    """The plan's measures by number with area and units (lead first) loaded, in one query.

    Status looks only at the round's public report; text search only at published text (see
    tracker/public/search.py) and lists the best matches first.
    """
    query = (
        select(Measure)
        .join(Measure.area)
        .join(Measure.responsibilities)
        .join(Responsibility.unit)
        .where(Measure.plan_id == plan.id)
        .options(
            contains_eager(Measure.area),
            contains_eager(Measure.responsibilities).contains_eager(Responsibility.unit),
        )
    )
    query, found = _filtered(query, plan, reporting_round, measure_filter)
    if found is None:
        query = query.order_by(Measure.number, Responsibility.position)
    else:
        query = query.order_by(found.c.rank, Measure.number, Responsibility.position)
    return list(db.session.scalars(query).unique())


PAGE_SIZE = 100  # measures per page of the public list; plan one's 50 fit on one


@dataclass(frozen=True)
class MeasurePage(Paged):
    measures: list[Measure]
    total: int  # measures matching the filter, on every page
    number: int  # this page's, from 1
    size: int


def public_measure_page(
    plan: Plan,
    reporting_round: ReportingRound | None,
    measure_filter: MeasureFilter = MeasureFilter(),
    page: int = 1,
    size: int = PAGE_SIZE,
) -> MeasurePage:
    """One page of ``public_measures``, and how many match in all: two queries, whatever the
    number of measures (their ids with the total, then those measures with area and units)."""
    ids = select(Measure.id, func.count().over().label("total")).where(Measure.plan_id == plan.id)
    if measure_filter.area:
        ids = ids.join(Measure.area)
    ids, found = _filtered(ids, plan, reporting_round, measure_filter)
    order = (Measure.number,) if found is None else (found.c.rank, Measure.number)
    rows = db.session.execute(ids.order_by(*order).limit(size).offset((page - 1) * size)).all()
    wanted = [row.id for row in rows]
    loaded = db.session.scalars(
        select(Measure)
        .join(Measure.area)
        .join(Measure.responsibilities)
        .join(Responsibility.unit)
        .where(Measure.id.in_(wanted))
        .options(
            contains_eager(Measure.area),
            contains_eager(Measure.responsibilities).contains_eager(Responsibility.unit),
        )
        .order_by(Measure.id, Responsibility.position)
    ).unique()
    by_id = {measure.id: measure for measure in loaded}
    total = rows[0].total if rows else 0
    return MeasurePage([by_id[i] for i in wanted], total, page, size)


def _filtered(query, plan: Plan, reporting_round, measure_filter: MeasureFilter):
    """``query`` narrowed to ``measure_filter``, and the text search's ranking subquery (None
    without a search). One row per measure stays one row (the unit filter is an EXISTS)."""
    # Each measure's latest public report as of the round (from an earlier round if this one
    # has none), so status and search match what the reader sees in the list.
    public_report = and_(
        MeasureReport.measure_id == Measure.id,
        MeasureReport.id.in_(latest_public_report_ids(plan, reporting_round)),
    )
    if measure_filter.status:
        query = query.outerjoin(MeasureReport, public_report)
    if measure_filter.area:
        query = query.where(Area.key == measure_filter.area)
    if measure_filter.unit:
        # A separate EXISTS, so the joined collection still holds every responsible unit.
        owner, owner_unit = aliased(Responsibility), aliased(ResponsibleUnit)
        query = query.where(
            select(owner.measure_id)
            .join(owner_unit, owner.unit_id == owner_unit.id)
            .where(
                owner.measure_id == Measure.id,
                owner_unit.abbreviation == measure_filter.unit,
            )
            .exists()
        )
    if measure_filter.status == NOT_REPORTED:
        query = query.where(MeasureReport.id.is_(None))
    elif measure_filter.status:
        query = query.where(MeasureReport.status == Status(measure_filter.status))
    found = None
    if measure_filter.overdue:
        query = query.where(has_overdue_milestone(today()))
    if measure_filter.text:
        found = matching_measures(db.session.get_bind().dialect.name, measure_filter.text)
        if found is None:  # nothing searchable in it (only punctuation): nothing matches
            query = query.where(false())
        else:
            query = query.join(found, found.c.measure_id == Measure.id)
    return query, found


def public_measure(plan: Plan, number: int) -> Measure | None:
    """One of the plan's measures with its area and units (lead first)."""
    return (
        db.session.scalars(
            select(Measure)
            .where(Measure.plan_id == plan.id, Measure.number == number)
            .options(
                joinedload(Measure.area),
                joinedload(Measure.responsibilities).joinedload(Responsibility.unit),
                # The links across plans: what it continues, and what continues it.
                joinedload(Measure.continues).joinedload(Measure.plan),
                joinedload(Measure.continued_by).joinedload(Measure.plan),
            )
        )
        .unique()
        .first()
    )


def published_history(measure: Measure) -> list[MeasureReport]:
    """The measure's public reports in every published round, newest round first."""
    return list(
        db.session.scalars(
            select(MeasureReport)
            .join(MeasureReport.round)
            .where(
                MeasureReport.measure_id == measure.id,
                MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
                _PUBLISHED,
            )
            .options(contains_eager(MeasureReport.round))
            .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        )
    )


def published_rounds_by_plan() -> dict[int, list[ReportingRound]]:
    """Every plan's published rounds, newest first, in one query (the data catalogue)."""
    rounds: dict[int, list[ReportingRound]] = {}
    for reporting_round in db.session.scalars(
        select(ReportingRound)
        .where(_PUBLISHED)
        .order_by(ReportingRound.plan_id, ReportingRound.as_of.desc(), ReportingRound.id.desc())
    ):
        rounds.setdefault(reporting_round.plan_id, []).append(reporting_round)
    return rounds
