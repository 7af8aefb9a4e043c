"""Writes of the results. Each flushes; the view or command commits (tracker/unit_of_work.py)."""

import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.reporting.models import MeasureReport
from tracker.results.files import Kind
from tracker.results.models import (
    BudgetLine,
    Direction,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
)
from tracker.results.permissions import milestone_open_to
from tracker.results.queries import earlier_values, values_in_report
from tracker.user_errors import UserError


class ResultsError(UserError):
    """A refusal of results input."""


@dataclass(frozen=True)
class ValueInput:
    indicator: Indicator
    value: float | None  # None with unchanged False: no value this round
    period: str
    comment: str
    unchanged: bool


@dataclass(frozen=True)
class FileInput:
    name: str
    data: bytes
    kind: Kind
    title: str = ""


@dataclass(frozen=True)
class LinkInput:
    url: str
    title: str = ""


def save_results(
    report: MeasureReport,
    milestones: dict[Milestone, date | None],
    values: list[ValueInput],
    files: list[FileInput],
    links: list[LinkInput],
) -> int:
    """The contact person's results for the round: milestones ticked off (or not), the
    indicators' values, new evidence. Returns how many things changed."""
    changed = 0
    for milestone, done_on in milestones.items():
        if not milestone_open_to(milestone, report):
            continue  # ticked off in an earlier round or by the coordinator: not this report's
        if milestone.done_on != done_on:
            milestone.done_on = done_on
            milestone.done_report_id = report.id if done_on else None
            changed += 1
    changed += _save_values(report, values)
    for file in files:
        db.session.add(
            Evidence(
                report=report,
                content=file.data,
                stored_name=secrets.token_hex(16) + file.kind.extensions[0],
                original_name=file.name[:255],
                content_type=file.kind.content_type,
                size=len(file.data),
                title=file.title,
            )
        )
        changed += 1
    for link in links:
        db.session.add(
            Evidence(
                report=report,
                url=link.url,
                stored_name=secrets.token_hex(16),
                title=link.title,
                size=0,
            )
        )
        changed += 1
    db.session.flush()
    return changed


def _save_values(report: MeasureReport, values: list[ValueInput]) -> int:
    existing = values_in_report(report)
    earlier = earlier_values(report) if any(v.unchanged for v in values) else {}
    changed = 0
    for item in values:
        indicator = item.indicator
        current = existing.get(indicator.id)
        if item.unchanged:
            previous = earlier.get(indicator.id)
            if previous is None:
                raise ResultsError(
                    _("«Ingen endring» trenger en verdi fra en tidligere runde. Skriv verdien."),
                    field=f"value_{indicator.id}",
                )
            wanted = (previous.value, item.period or previous.period, item.comment, True)
        elif item.value is None:
            if current is not None:
                db.session.delete(current)
                changed += 1
            continue
        else:
            wanted = (item.value, item.period, item.comment, False)
        if current is None:
            current = IndicatorValue(indicator=indicator, report=report, round=report.round)
            db.session.add(current)
        elif (current.value, current.period, current.comment, current.carried) == wanted:
            continue
        current.value, current.period, current.comment, current.carried = wanted
        changed += 1
    return changed


def remove_evidence(evidence: Evidence) -> None:
    db.session.delete(evidence)
    db.session.flush()


def set_evidence_internal(evidence: Evidence, internal: bool) -> None:
    evidence.internal = internal
    db.session.flush()


def add_milestone(measure: Measure, title: str, due_on: date, note: str = "") -> Milestone:
    milestone = Milestone(measure=measure, title=title, due_on=due_on, note=note)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def add_indicator(
    measure: Measure,
    name: str,
    unit: str,
    direction: Direction,
    baseline: tuple[float | None, int | None],
    target: tuple[float | None, int | None],
    source: str = "",
) -> Indicator:
    indicator = Indicator(
        measure=measure,
        name=name,
        unit=unit,
        direction=direction,
        baseline_value=baseline[0],
        baseline_year=baseline[1],
        target_value=target[0],
        target_year=target[1],
        source=source,
    )
    db.session.add(indicator)
    db.session.flush()
    return indicator


def set_budget_line(
    measure: Measure, year: int, allocated: int | None, spent: int | None, source: str = ""
) -> BudgetLine:
    """The measure's budget for the year, made or replaced."""
    line = db.session.scalars(
        db.select(BudgetLine).where(BudgetLine.measure_id == measure.id, BudgetLine.year == year)
    ).first()
    if line is None:
        line = BudgetLine(measure=measure, year=year)
        db.session.add(line)
    line.allocated, line.spent, line.source = allocated, spent, source
    db.session.flush()
    return line


def remove_milestone(milestone: Milestone) -> None:
    """A milestone nobody has reported on yet; one ticked off in a report is its history."""
    if milestone.done_report_id is not None:
        raise ResultsError(
            _("Delmålet «%(title)s» er rapportert nådd og kan ikke fjernes.", title=milestone.title)
        )
    db.session.delete(milestone)
    db.session.flush()


def remove_indicator(indicator: Indicator) -> None:
    """An indicator without reported values; values are the history of a round."""
    if db.session.scalar(
        db.select(IndicatorValue.id).where(IndicatorValue.indicator_id == indicator.id).limit(1)
    ):
        raise ResultsError(
            _(
                "Indikatoren «%(name)s» har rapporterte verdier og kan ikke fjernes.",
                name=indicator.name,
            )
        )
    db.session.delete(indicator)
    db.session.flush()


def remove_budget_line(line: BudgetLine) -> None:
    db.session.delete(line)
    db.session.flush()
