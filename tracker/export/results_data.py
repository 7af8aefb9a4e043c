"""Collect the report's results part: per measure the milestones reached in the period and its
indicators (baseline, latest value, target), per area the indicators and the budget totals.

The same rule as the rest of the report: a published report shows what the reviewed reports
hold (approved, in this round or a published earlier one); a draft shows every saved value.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select

from tracker.export.queries import previous_published_round
from tracker.extensions import db
from tracker.measures.models import Area, Measure
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import PUBLIC_REVIEW_STATES
from tracker.reporting.states import RoundState
from tracker.results.models import BudgetLine, Indicator, IndicatorValue, Milestone
from tracker.results.progress import progress_sentence


@dataclass(frozen=True)
class MilestoneReached:
    title: str
    done_on: date


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    unit: str
    baseline: float | None
    baseline_year: int | None
    latest: float | None
    latest_period: str
    target: float | None
    target_year: int | None
    progress: str  # «42 av 60, 70 % av målet», or empty


@dataclass(frozen=True)
class MeasureResults:
    reached: tuple[MilestoneReached, ...] = ()
    indicators: tuple[IndicatorLine, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.reached or self.indicators)


@dataclass(frozen=True)
class AreaBudget:
    name: str
    allocated: int
    spent: int


@dataclass(frozen=True)
class ResultsData:
    by_measure: dict[int, MeasureResults] = field(default_factory=dict)  # by measure number
    period_start: date | None = None  # the previous published round's date, if any
    budgets: tuple[AreaBudget, ...] = ()

    def of(self, number: int) -> MeasureResults:
        return self.by_measure.get(number, MeasureResults())

    @property
    def any_indicators(self) -> bool:
        return any(results.indicators for results in self.by_measure.values())


def collect_results(reporting_round: ReportingRound, draft: bool) -> ResultsData:
    """Four queries, whatever the number of measures."""
    plan_id = reporting_round.plan_id
    previous = previous_published_round(reporting_round)
    period_start = previous.as_of if previous else None
    numbers: dict[int, int] = {
        measure_id: number
        for measure_id, number in db.session.execute(
            select(Measure.id, Measure.number).where(Measure.plan_id == plan_id)
        )
    }
    reached: dict[int, list[MilestoneReached]] = defaultdict(list)
    for milestone in _milestones(reporting_round, draft, period_start):
        if milestone.done_on is not None:  # (the query asks for done milestones only)
            reached[milestone.measure_id].append(
                MilestoneReached(milestone.title, milestone.done_on)
            )
    lines: dict[int, list[IndicatorLine]] = defaultdict(list)
    for indicator, value in _latest_values(reporting_round, draft):
        latest = value.value if value else None
        lines[indicator.measure_id].append(
            IndicatorLine(
                name=indicator.name,
                unit=indicator.unit,
                baseline=indicator.baseline_value,
                baseline_year=indicator.baseline_year,
                latest=latest,
                latest_period=value.period if value else "",
                target=indicator.target_value,
                target_year=indicator.target_year,
                progress=progress_sentence(indicator, latest),
            )
        )
    by_measure = {
        numbers[measure_id]: MeasureResults(
            tuple(reached.get(measure_id, ())), tuple(lines.get(measure_id, ()))
        )
        for measure_id in set(reached) | set(lines)
    }
    return ResultsData(by_measure, period_start, _budgets(reporting_round))


def _counted_reports(reporting_round: ReportingRound, draft: bool):
    """Reports whose results this report shows: this round's (approved, unless a draft) and
    approved reports of published rounds up to its date."""
    published_before = and_(
        ReportingRound.state == RoundState.PUBLISHED,
        ReportingRound.as_of <= reporting_round.as_of,
        MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES),
    )
    this_round = ReportingRound.id == reporting_round.id
    if not draft:
        this_round = and_(this_round, MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES))
    return (
        select(MeasureReport.id)
        .join(MeasureReport.round)
        .where(ReportingRound.plan_id == reporting_round.plan_id, or_(this_round, published_before))
    )


def _milestones(reporting_round, draft: bool, period_start: date | None) -> list[Milestone]:
    query = (
        select(Milestone)
        .join(Milestone.measure)
        .where(
            Measure.plan_id == reporting_round.plan_id,
            Milestone.done_on.is_not(None),
            Milestone.done_on <= reporting_round.as_of,
            or_(
                Milestone.done_report_id.is_(None),
                Milestone.done_report_id.in_(_counted_reports(reporting_round, draft)),
            ),
        )
        .order_by(Milestone.done_on, Milestone.id)
    )
    if period_start is not None:
        query = query.where(Milestone.done_on > period_start)
    return list(db.session.scalars(query))


def _latest_values(reporting_round, draft: bool) -> list[tuple[Indicator, IndicatorValue | None]]:
    """Every indicator of the plan with its latest counted value (None if it has none)."""
    counted = (
        select(
            IndicatorValue.id,
            IndicatorValue.indicator_id,
            func.row_number()
            .over(
                partition_by=IndicatorValue.indicator_id,
                order_by=(ReportingRound.as_of.desc(), ReportingRound.id.desc()),
            )
            .label("rank"),
        )
        .join(IndicatorValue.round)
        .where(IndicatorValue.report_id.in_(_counted_reports(reporting_round, draft)))
        .subquery()
    )
    query = (
        select(Indicator, IndicatorValue)
        .join(Indicator.measure)
        .outerjoin(counted, and_(counted.c.indicator_id == Indicator.id, counted.c.rank == 1))
        .outerjoin(IndicatorValue, IndicatorValue.id == counted.c.id)
        .where(Measure.plan_id == reporting_round.plan_id)
        .order_by(Measure.number, Indicator.id)
    )
    return [(indicator, value) for indicator, value in db.session.execute(query)]


def _budgets(reporting_round: ReportingRound) -> tuple[AreaBudget, ...]:
    """Allocated and spent per area, summed over the years up to the round's."""
    rows = db.session.execute(
        select(
            Area.name,
            func.coalesce(func.sum(BudgetLine.allocated), 0),
            func.coalesce(func.sum(BudgetLine.spent), 0),
        )
        .join(Measure, Measure.area_id == Area.id)
        .join(BudgetLine, BudgetLine.measure_id == Measure.id)
        .where(
            Area.plan_id == reporting_round.plan_id, BudgetLine.year <= reporting_round.as_of.year
        )
        .group_by(Area.id, Area.name, Area.position)
        .order_by(Area.position, Area.id)
    )
    return tuple(
        AreaBudget(name, int(allocated or 0), int(spent or 0)) for name, allocated, spent in rows
    )
