"""The indicator and milestone rows of an uploaded sheet against the database, as reconcile.py
does for the report rows: a change (old → new), a conflict (changed in the browser after the
download: both shown, nothing overwritten), nothing, or a problem with its sheet, row and column.

A value has no version column, so each row's stamp carries a digest of what the row held when
downloaded (``stamps.state_digest`` of the ``*_state`` tuples below): the sheet's row differs
from it when the person edited it, the database's when someone saved in the browser meanwhile.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.permissions import report_is_editable
from tracker.results.models import Indicator, IndicatorValue, Milestone
from tracker.results.numbers import format_number
from tracker.results.parsing import ParseError, parse_date
from tracker.results.permissions import milestone_open_to
from tracker.spreadsheets import round_sheet as layout
from tracker.spreadsheets import stamps
from tracker.spreadsheets.upload import ParsedSheet, Problem

INDICATOR, MILESTONE = "indicator", "milestone"  # the stamps' kinds


@dataclass(frozen=True)
class ResultsContext:
    """What the rows are compared with: the unit's measures' indicators and milestones (by id),
    this round's values and the last round's (by indicator id), and the plan's period."""

    indicators: dict[int, Indicator] = field(default_factory=dict)
    milestones: dict[int, Milestone] = field(default_factory=dict)
    values: dict[int, IndicatorValue] = field(default_factory=dict)
    earlier: dict[int, IndicatorValue] = field(default_factory=dict)
    first_year: int = 1
    period: str = ""
    today: date = date.max


def indicator_state(value: float | None, period: str, comment: str, carried: bool) -> tuple:
    """What an indicator's row says, as the results form would save it: a carried value keeps
    no number of its own, and no value means nothing else is kept either."""
    if carried:
        return ("carried", period, comment)
    if value is None:
        return ("none",)
    return ("value", float(value), period, comment)


def stored_indicator_state(value: IndicatorValue | None) -> tuple:
    if value is None:
        return indicator_state(None, "", "", False)
    return indicator_state(value.value, value.period, value.comment, value.carried)


def milestone_state(done_on: date | None) -> tuple:
    return ("done", done_on.isoformat()) if done_on else ("open",)


@dataclass(frozen=True)
class ValueChange:
    row: int
    report: MeasureReport
    indicator: Indicator
    before: str
    after: str
    value: float | None
    period: str
    comment: str
    unchanged: bool
    base: str  # the digest of the database's state this change replaces

    sheet = layout.INDICATOR_SHEET

    @property
    def key(self) -> tuple:
        return (INDICATOR, self.indicator.id, self.base, self.value, self.period, self.comment)

    @property
    def name(self) -> str:
        return self.indicator.name


@dataclass(frozen=True)
class MilestoneChange:
    row: int
    report: MeasureReport
    milestone: Milestone
    before: str
    after: str
    done_on: date | None
    base: str

    sheet = layout.MILESTONE_SHEET

    @property
    def key(self) -> tuple:
        return (MILESTONE, self.milestone.id, self.base, self.done_on)

    @property
    def name(self) -> str:
        return self.milestone.title


@dataclass(frozen=True)
class ResultConflict:
    sheet: str
    row: int
    report: MeasureReport
    name: str  # the indicator's or milestone's
    in_sheet: str
    saved: str
    base: str


@dataclass
class ResultsPreview:
    changes: list[ValueChange | MilestoneChange] = field(default_factory=list)
    conflicts: list[ResultConflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def reconcile_results(
    parsed: ParsedSheet,
    reporting_round: ReportingRound,
    by_number: dict[int, MeasureReport],
    context: ResultsContext,
) -> ResultsPreview:
    preview = ResultsPreview()
    _Indicators(parsed, reporting_round, by_number, context, preview).run()
    _Milestones(parsed, reporting_round, by_number, context, preview).run()
    return preview


class _Rows:
    """What both kinds of row share: the measure, the stamp, the row named once, and the
    edited/moved test against the stamp's digest."""

    sheet: str
    kind: str
    number_column: int
    stamp_column: int
    value_column: int

    def __init__(self, parsed, reporting_round, by_number, context, preview) -> None:
        self.parsed, self.round, self.by_number = parsed, reporting_round, by_number
        self.context, self.preview = context, preview
        self.headings = self.titles()
        self.seen: set[int] = set()

    def titles(self) -> list[str]:
        raise NotImplementedError

    def problem(self, row, column: int, message: str) -> None:
        self.preview.problems.append(
            Problem(row.row, self.headings[column - 1], message, self.sheet)
        )

    def target(self, row, known: dict, missing: str):
        """(report, the indicator or milestone) the row is about, or None after a problem."""
        report = self.by_number.get(row.number)
        if report is None:
            self.problem(
                row,
                self.number_column,
                _(
                    "Tiltak %(number)d er ikke et av tiltakene enheten din rapporterer på i "
                    "denne runden.",
                    number=row.number,
                ),
            )
            return None
        stamp = stamps.read_result_stamp(self.round.slug, self.kind, row.stamp)
        if stamp is None:
            self.problem(
                row,
                self.stamp_column,
                _(
                    "Kontrollfeltet i raden er endret eller mangler. Rader kan ikke legges til "
                    "her (koordinatoren legger til indikatorer og delmål); last ned arket på nytt."
                ),
            )
            return None
        item = known.get(stamp[0])
        if item is None:
            self.problem(row, self.value_column, missing)
            return None
        if item.measure_id != report.measure_id:
            owner = next(
                (n for n, r in self.by_number.items() if r.measure_id == item.measure_id), None
            )
            self.problem(
                row,
                self.number_column,
                _(
                    "Raden hører til tiltak %(owner)s, ikke tiltak %(number)d. Ikke endre "
                    "tiltaksnummeret.",
                    owner=owner if owner is not None else "?",
                    number=row.number,
                ),
            )
            return None
        if item.id in self.seen:
            self.problem(row, self.number_column, _("Raden står to ganger i arket."))
            return None
        self.seen.add(item.id)
        return report, item, stamp[1]

    def not_editable(self, row, report) -> bool:
        if report_is_editable(report):
            return False
        self.problem(
            row,
            self.value_column,
            _(
                "Tiltak %(number)d er sendt til gjennomgang eller godkjent og kan ikke endres nå.",
                number=row.number,
            ),
        )
        return True

    def conflict(self, row, report, name: str, in_sheet: str, saved: str, base: str) -> None:
        self.preview.conflicts.append(
            ResultConflict(self.sheet, row.row, report, name, in_sheet, saved, base)
        )


class _Indicators(_Rows):
    sheet, kind = layout.INDICATOR_SHEET, INDICATOR
    number_column, stamp_column, value_column = layout.I_NUMBER, layout.I_STAMP, layout.I_VALUE

    def titles(self) -> list[str]:
        return layout.indicator_headings()

    def run(self) -> None:
        for row in self.parsed.indicators:
            found = self.target(
                row,
                self.context.indicators,
                _(
                    "Indikatoren finnes ikke lenger for tiltakene dine (koordinatoren kan ha "
                    "fjernet den). Last ned arket på nytt."
                ),
            )
            if found is None or self.parsed.has_problem(self.sheet, row.row):
                continue
            report, indicator, downloaded = found
            wanted = indicator_state(row.value, row.period, row.comment, row.unchanged)
            stored = self.context.values.get(indicator.id)
            current = stored_indicator_state(stored)
            base = stamps.state_digest(current)
            if stamps.state_digest(wanted) == downloaded or wanted == current:
                continue  # not edited in the sheet, or already saved as the sheet says
            earlier = self.context.earlier.get(indicator.id)
            shown = describe_value(indicator, wanted, earlier)
            if base != downloaded:
                self.conflict(
                    row, report, indicator.name, shown, describe_value(indicator, current), base
                )
                continue
            if self.not_editable(row, report) or not self.sound(row, earlier):
                continue
            self.preview.changes.append(
                ValueChange(
                    row=row.row,
                    report=report,
                    indicator=indicator,
                    before=describe_value(indicator, current),
                    after=shown,
                    value=None if row.unchanged else row.value,
                    period=row.period,
                    comment=row.comment,
                    unchanged=row.unchanged,
                    base=base,
                )
            )

    def sound(self, row, earlier) -> bool:
        """The row says one thing the form could save: refuses what the form would
        quietly drop."""
        if row.unchanged and row.value is not None:
            self.problem(
                row,
                layout.I_UNCHANGED,
                _(
                    "Du har svart ja på «ingen endring» og skrevet en ny verdi. Svar nei, eller "
                    "ta verdien bort."
                ),
            )
            return False
        if row.unchanged and earlier is None:
            self.problem(
                row,
                layout.I_UNCHANGED,
                _("«Ingen endring» trenger en verdi fra en tidligere runde. Skriv verdien."),
            )
            return False
        if not row.unchanged and row.value is None and (row.period or row.comment):
            self.problem(
                row,
                layout.I_VALUE,
                _("Skriv en verdi, eller ta bort periode og kommentar."),
            )
            return False
        return True


class _Milestones(_Rows):
    sheet, kind = layout.MILESTONE_SHEET, MILESTONE
    number_column, stamp_column, value_column = layout.M_NUMBER, layout.M_STAMP, layout.M_DONE

    def titles(self) -> list[str]:
        return layout.milestone_headings()

    def run(self) -> None:
        for row in self.parsed.milestones:
            found = self.target(
                row,
                self.context.milestones,
                _(
                    "Delmålet finnes ikke lenger for tiltakene dine (koordinatoren kan ha "
                    "fjernet det). Last ned arket på nytt."
                ),
            )
            if found is None or self.parsed.has_problem(self.sheet, row.row):
                continue
            report, milestone, downloaded = found
            wanted, current = milestone_state(row.done_on), milestone_state(milestone.done_on)
            base = stamps.state_digest(current)
            if stamps.state_digest(wanted) == downloaded or wanted == current:
                continue
            if row.done_on is not None and not self.in_period(row):
                continue
            if base != downloaded:
                self.conflict(
                    row,
                    report,
                    milestone.title,
                    describe_date(row.done_on),
                    describe_date(milestone.done_on),
                    base,
                )
                continue
            if self.not_editable(row, report):
                continue
            if not milestone_open_to(milestone, report):
                self.problem(
                    row,
                    layout.M_DONE,
                    _(
                        "Delmålet er registrert nådd av koordinatoren eller i en tidligere runde "
                        "og kan ikke endres her."
                    ),
                )
                continue
            self.preview.changes.append(
                MilestoneChange(
                    row=row.row,
                    report=report,
                    milestone=milestone,
                    before=describe_date(milestone.done_on),
                    after=describe_date(row.done_on),
                    done_on=row.done_on,
                    base=base,
                )
            )

    def in_period(self, row) -> bool:
        """The results form's rule: not before the plan's period, never in the future."""
        try:
            parse_date(
                row.done_on.isoformat(),
                self.context.first_year,
                latest=self.context.today,
                period=self.context.period,
            )
        except ParseError as refused:
            self.problem(row, layout.M_DONE, str(refused.message))
            return False
        return True


def describe_value(
    indicator: Indicator, state: tuple, earlier: IndicatorValue | None = None
) -> str:
    """A row's state as a reader reads it: «42 (2025)», «ingen endring», «ingen verdi»."""
    kind = state[0]
    if kind == "none":
        return _("ingen verdi")
    if kind == "carried":
        carried = _("ingen endring")
        if earlier is not None:
            carried += f": {format_number(earlier.value, indicator.unit)}"
        return carried + (f" ({state[1]})" if state[1] else "")
    text = format_number(state[1], indicator.unit)
    if indicator.unit and indicator.unit.strip() not in ("%", "prosent"):
        text += f" {indicator.unit}"
    return text + (f" ({state[2]})" if state[2] else "")


def describe_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else _("ikke nådd")
