"""Reads of the results: for the contact person's form, the coordinator's pages, and the public
pages and open data (which see only what the published, approved reports carry)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import aliased, contains_eager

from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import PUBLIC_REVIEW_STATES
from tracker.reporting.states import RoundState
from tracker.reporting.workflow_queries import today
from tracker.results.models import BudgetLine, Evidence, Indicator, IndicatorValue, Milestone

_PUBLISHED = ReportingRound.state == RoundState.PUBLISHED
_PUBLIC_REPORT = and_(MeasureReport.review_state.in_(PUBLIC_REVIEW_STATES), _PUBLISHED)


def milestones_of(measure: Measure) -> list[Milestone]:
    return milestones_of_measures([measure.id])


def milestones_of_measures(measure_ids: list[int]) -> list[Milestone]:
    """The milestones of these measures, each measure's in due order: one query."""
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.measure_id.in_(measure_ids))
            .order_by(Milestone.measure_id, Milestone.due_on, Milestone.id)
        )
    )


def indicators_of(measure: Measure) -> list[Indicator]:
    return indicators_of_measures([measure.id])


def indicators_of_measures(measure_ids: list[int]) -> list[Indicator]:
    """The indicators of these measures, each measure's in the order they were made."""
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.measure_id.in_(measure_ids))
            .order_by(Indicator.measure_id, Indicator.id)
        )
    )


def budget_of(measure: Measure) -> list[BudgetLine]:
    return list(
        db.session.scalars(
            select(BudgetLine).where(BudgetLine.measure_id == measure.id).order_by(BudgetLine.year)
        )
    )


def values_in_report(report: MeasureReport) -> dict[int, IndicatorValue]:
    """This report's values by indicator id."""
    values = db.session.scalars(select(IndicatorValue).where(IndicatorValue.report_id == report.id))
    return {value.indicator_id: value for value in values}


def values_in_reports(report_ids: list[int]) -> dict[int, IndicatorValue]:
    """These reports' values by indicator id (an indicator has one value per report)."""
    values = db.session.scalars(
        select(IndicatorValue).where(IndicatorValue.report_id.in_(report_ids))
    )
    return {value.indicator_id: value for value in values}


def earlier_values(report: MeasureReport) -> dict[int, IndicatorValue]:
    """Each indicator's latest value from a round before this report's, by indicator id: what
    «ingen endring» carries, and what the review compares with."""
    return earlier_values_of_measures([report.measure_id], report.round)


def earlier_values_of_measures(
    measure_ids: list[int], reporting_round: ReportingRound
) -> dict[int, IndicatorValue]:
    """``earlier_values`` for the reports of several measures in one round: one query."""
    query = (
        select(IndicatorValue)
        .join(IndicatorValue.round)
        .join(IndicatorValue.indicator)
        .where(
            Indicator.measure_id.in_(measure_ids),
            ReportingRound.as_of < reporting_round.as_of,
        )
        .options(contains_eager(IndicatorValue.round))
        .order_by(ReportingRound.as_of, ReportingRound.id)
    )
    return {value.indicator_id: value for value in db.session.scalars(query)}


def evidence_of(report: MeasureReport) -> list[Evidence]:
    return list(
        db.session.scalars(
            select(Evidence).where(Evidence.report_id == report.id).order_by(Evidence.id)
        )
    )


def evidence_by_stored_name(stored_name: str) -> Evidence | None:
    return db.session.scalars(
        select(Evidence)
        .where(Evidence.stored_name == stored_name)
        .options(contains_eager(Evidence.report).contains_eager(MeasureReport.round))
        .join(Evidence.report)
        .join(MeasureReport.round)
    ).first()


def is_public_evidence(evidence: Evidence) -> bool:
    """Public once its report is approved and its round published, unless kept internal."""
    report = evidence.report
    return (
        not evidence.internal
        and report.review_state in PUBLIC_REVIEW_STATES
        and report.round.state == RoundState.PUBLISHED
    )


def results_version():
    """A one-row subquery for the public data version: it changes when a milestone, indicator
    or piece of evidence is added, removed, ticked off or kept internal. (Values change only
    with their reports, which the version already counts.)"""
    milestones = select(
        func.count(Milestone.id).label("count"),
        func.coalesce(func.sum(Milestone.id), 0).label("ids"),
        func.count(Milestone.done_on).label("done"),
        func.coalesce(func.sum(Milestone.done_report_id), 0).label("done_reports"),
    ).subquery()
    indicators = select(
        func.count(Indicator.id).label("count"),
        func.coalesce(func.sum(Indicator.id), 0).label("ids"),
    ).subquery()
    evidence = select(
        func.count(Evidence.id).label("count"),
        func.coalesce(func.sum(Evidence.id), 0).label("ids"),
        func.coalesce(func.sum(case((Evidence.internal, Evidence.id), else_=0)), 0).label(
            "internal"
        ),
    ).subquery()
    return (
        select(
            milestones.c.count.label("milestones"),
            milestones.c.ids.label("milestone_ids"),
            milestones.c.done.label("milestones_done"),
            milestones.c.done_reports.label("milestone_done_reports"),
            indicators.c.count.label("indicators"),
            indicators.c.ids.label("indicator_ids"),
            evidence.c.count.label("evidence"),
            evidence.c.ids.label("evidence_ids"),
            evidence.c.internal.label("evidence_internal"),
        )
        .select_from(milestones)
        .join(indicators, true())
        .join(evidence, true())
        .subquery()
    )


# --- Public reads: one query each, whatever the number of measures --------------------------


@dataclass(frozen=True)
class PublicMilestone:
    milestone: Milestone
    done_on: date | None  # the done date, if the report that ticked it off is public

    def state(self, today: date) -> str:
        """done, due or overdue."""
        if self.done_on is not None:
            return "done"
        return "overdue" if self.milestone.due_on < today else "due"


@dataclass(frozen=True)
class PublicValue:
    value: IndicatorValue
    round: ReportingRound


@dataclass
class PublicIndicator:
    indicator: Indicator
    values: list[PublicValue] = field(default_factory=list)

    @property
    def latest(self) -> PublicValue | None:
        return self.values[-1] if self.values else None


@dataclass(frozen=True)
class PublicEvidence:
    evidence: Evidence
    round: ReportingRound


def public_milestones(plan: Plan, measure_ids: list[int] | None = None) -> dict[int, list]:
    """Milestones by measure id, due date first; a done date only once it is public."""
    done_report = aliased(MeasureReport)
    done_round = aliased(ReportingRound)
    # A milestone ticked off in a report shows as done once that report is public.
    done_is_public = or_(
        Milestone.done_report_id.is_(None),
        and_(
            done_report.review_state.in_(PUBLIC_REVIEW_STATES),
            done_round.state == RoundState.PUBLISHED,
        ),
    )
    query = (
        select(Milestone, done_is_public)
        .join(Milestone.measure)
        .outerjoin(done_report, Milestone.done_report_id == done_report.id)
        .outerjoin(done_round, done_report.round_id == done_round.id)
        .where(Measure.plan_id == plan.id)
        .order_by(Milestone.due_on, Milestone.id)
    )
    if measure_ids is not None:
        query = query.where(Milestone.measure_id.in_(measure_ids))
    by_measure: dict[int, list[PublicMilestone]] = defaultdict(list)
    for milestone, public in db.session.execute(query):
        by_measure[milestone.measure_id].append(
            PublicMilestone(milestone, milestone.done_on if public else None)
        )
    return by_measure


def has_overdue_milestone(today: date):
    """For a query over measures: a milestone of the measure is past its date and not done
    in public (not done, or ticked off in a report not yet published): «forsinket»."""
    public_reports = (
        select(MeasureReport.id).join(MeasureReport.round).where(_PUBLIC_REPORT).scalar_subquery()
    )
    done_in_public = and_(
        Milestone.done_on.is_not(None),
        or_(Milestone.done_report_id.is_(None), Milestone.done_report_id.in_(public_reports)),
    )
    return (
        select(Milestone.id)
        .where(Milestone.measure_id == Measure.id, Milestone.due_on < today, ~done_in_public)
        .exists()
    )


def overdue_measure_ids(plan: Plan, today: date) -> set[int]:
    """Measures with a milestone past its date and not (publicly) done: «forsinket»."""
    return {
        measure_id
        for measure_id, milestones in public_milestones(plan).items()
        if any(m.state(today) == "overdue" for m in milestones)
    }


def public_indicators(plan: Plan, measure_ids: list[int] | None = None) -> dict[int, list]:
    """Indicators by measure id, each with the values of public reports, oldest round first."""
    public_reports = (
        select(MeasureReport.id)
        .join(MeasureReport.round)
        .where(_PUBLIC_REPORT, ReportingRound.plan_id == plan.id)
    )
    query = (
        select(Indicator, IndicatorValue, ReportingRound)
        .join(Indicator.measure)
        .outerjoin(
            IndicatorValue,
            and_(
                IndicatorValue.indicator_id == Indicator.id,
                IndicatorValue.report_id.in_(public_reports),
            ),
        )
        .outerjoin(ReportingRound, IndicatorValue.round_id == ReportingRound.id)
        .where(Measure.plan_id == plan.id)
        .order_by(Indicator.measure_id, Indicator.id, ReportingRound.as_of, ReportingRound.id)
    )
    if measure_ids is not None:
        query = query.where(Indicator.measure_id.in_(measure_ids))
    by_measure: dict[int, list[PublicIndicator]] = defaultdict(list)
    seen: dict[int, PublicIndicator] = {}
    for indicator, value, reporting_round in db.session.execute(query):
        entry = seen.get(indicator.id)
        if entry is None:
            entry = seen[indicator.id] = PublicIndicator(indicator)
            by_measure[indicator.measure_id].append(entry)
        if value is not None:
            entry.values.append(PublicValue(value, reporting_round))
    return by_measure


def public_evidence(plan: Plan, measure_ids: list[int] | None = None) -> dict[int, list]:
    """Public evidence (files and links) by measure id, newest round first."""
    query = (
        select(Evidence, MeasureReport.measure_id, ReportingRound)
        .join(Evidence.report)
        .join(MeasureReport.round)
        .where(_PUBLIC_REPORT, ReportingRound.plan_id == plan.id, Evidence.internal.is_(False))
        .order_by(ReportingRound.as_of.desc(), Evidence.id)
    )
    if measure_ids is not None:
        query = query.where(MeasureReport.measure_id.in_(measure_ids))
    by_measure: dict[int, list[PublicEvidence]] = defaultdict(list)
    for evidence, measure_id, reporting_round in db.session.execute(query):
        by_measure[measure_id].append(PublicEvidence(evidence, reporting_round))
    return by_measure


@dataclass(frozen=True)
class MeasureResults:
    """What the public page of one measure shows of its results."""

    milestones: list[PublicMilestone]
    indicators: list[PublicIndicator]
    evidence: list[PublicEvidence]
    today: date

    @property
    def any(self) -> bool:
        return bool(self.milestones or self.indicators or self.evidence)


def public_results(plan: Plan, measure: Measure) -> MeasureResults:
    """Three queries, whatever the measure holds."""
    ids = [measure.id]
    return MeasureResults(
        milestones=public_milestones(plan, ids).get(measure.id, []),
        indicators=public_indicators(plan, ids).get(measure.id, []),
        evidence=public_evidence(plan, ids).get(measure.id, []),
        today=today(),
    )


@dataclass(frozen=True)
class ReviewedValue:
    indicator: Indicator
    value: IndicatorValue | None  # this round's
    previous: IndicatorValue | None  # the latest from an earlier round

    @property
    def changed(self) -> bool:
        if self.value is None or self.previous is None:
            return self.value is not None
        return self.value.value != self.previous.value


@dataclass(frozen=True)
class ReportResults:
    """A report's results beside its narrative: what the coordinator reviews."""

    milestones_reached: list[Milestone]
    values: list[ReviewedValue]
    evidence: list[Evidence]

    @property
    def any(self) -> bool:
        return bool(self.milestones_reached or self.values or self.evidence)


def results_of_report(report: MeasureReport) -> ReportResults:
    this_round, earlier = values_in_report(report), earlier_values(report)
    return ReportResults(
        milestones_reached=[
            m for m in milestones_of(report.measure) if m.done_report_id == report.id
        ],
        values=[
            ReviewedValue(indicator, this_round.get(indicator.id), earlier.get(indicator.id))
            for indicator in indicators_of(report.measure)
        ],
        evidence=evidence_of(report),
    )


def milestones_reached_in_reports(measure: Measure) -> dict[int, list[Milestone]]:
    """The measure's milestones ticked off in a report, by that report's round id (the
    measure's feed says in each round's entry which were reached)."""
    by_round: dict[int, list[Milestone]] = defaultdict(list)
    for milestone, round_id in db.session.execute(
        select(Milestone, MeasureReport.round_id)
        .join(MeasureReport, Milestone.done_report_id == MeasureReport.id)
        .where(Milestone.measure_id == measure.id)
        .order_by(Milestone.done_on, Milestone.id)
    ):
        by_round[round_id].append(milestone)
    return by_round
