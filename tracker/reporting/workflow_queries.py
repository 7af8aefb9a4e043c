"""Reads for the reporting workflow: the open rounds, a unit's reports, the coordinator's
overview and a report's history. (Counting the public status stays in ``queries.py``.)"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from tracker.extensions import db
from tracker.i18n import TIMEZONE
from tracker.labelled_enum import LabelledEnum
from tracker.languages import NYNORSK_MINIMUM_SHARE
from tracker.measures.models import Measure, Responsibility
from tracker.ministries.models import ResponsibleUnit
from tracker.paging import Paged
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.states import ReviewState, RoundState
from tracker.text import N_


class Progress(LabelledEnum):
    """How far a unit has come with a report in an open round (the coordinator's view)."""

    NOT_STARTED = "not_started", N_("Ikke påbegynt")  # the pre-filled draft, untouched
    DRAFT = "draft", N_("Utkast")
    SUBMITTED = "submitted", N_("Sendt inn")
    RETURNED = "returned", N_("Sendt tilbake")
    APPROVED = "approved", N_("Godkjent")


# What each ReportRevision.action means, for the history page.
REVISION_ACTIONS = {
    "seeded": N_("Lastet inn fra planfilen"),
    "opened": N_("Runden ble åpnet"),
    "saved": N_("Utkast lagret"),
    "submitted": N_("Sendt til gjennomgang"),
    "returned": N_("Sendt tilbake"),
    "approved": N_("Godkjent"),
    "withdrawn": N_("Trukket tilbake fra gjennomgang"),
    "confirmed": N_("Sendt uten endring siden forrige runde"),
    "corrected": N_("Rettet av koordinatoren"),
}
# Still waiting for the unit: these are overdue once the deadline has passed.
OUTSTANDING = (Progress.NOT_STARTED, Progress.DRAFT, Progress.RETURNED)
# The version the report got when the round opened; any save makes a newer one.
OPENED_VERSION = 1


def progress_of(report: MeasureReport) -> Progress:
    if report.review_state == ReviewState.DRAFT:
        return Progress.NOT_STARTED if report.version == OPENED_VERSION else Progress.DRAFT
    return Progress(report.review_state.value)


def waiting_for_review(reports: list[MeasureReport]) -> list[MeasureReport]:
    """The reports waiting for the coordinator: sent in (with or without changes) and neither
    approved, returned nor withdrawn. The overview's «Sendt inn» and the daily digest count
    these, so they cannot disagree."""
    return [report for report in reports if progress_of(report) == Progress.SUBMITTED]


def today() -> date:
    """Today in Norway, where the deadlines are set."""
    return datetime.now(TIMEZONE).date()


def is_overdue(report: MeasureReport, on: date | None = None) -> bool:
    deadline = report.round.deadline
    return (
        deadline is not None
        and report.round.state == RoundState.OPEN
        and (on or today()) > deadline
        and progress_of(report) in OUTSTANDING
    )


def closes_before_deadline(reporting_round: ReportingRound, on: date | None = None) -> bool:
    """Closing now would cut the units off while their deadline day has not passed."""
    deadline = reporting_round.deadline
    return (
        reporting_round.state == RoundState.OPEN
        and deadline is not None
        and (on or today()) <= deadline
    )


def _report_options():
    return (
        joinedload(MeasureReport.round),
        joinedload(MeasureReport.updated_by),
        joinedload(MeasureReport.measure)
        .selectinload(Measure.responsibilities)
        .joinedload(Responsibility.unit),
    )


def open_round_now(plan: Plan) -> ReportingRound | None:
    """The round the plan's units are reporting in; the workflow keeps at most one open per
    plan."""
    return db.session.scalars(
        select(ReportingRound)
        .where(ReportingRound.plan_id == plan.id, ReportingRound.state == RoundState.OPEN)
        .order_by(ReportingRound.id)
    ).first()


def open_rounds() -> list[ReportingRound]:
    """The open round of every plan that has one, oldest plan first, with the plan loaded."""
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(ReportingRound.state == RoundState.OPEN)
            .order_by(ReportingRound.plan_id, ReportingRound.id)
            .options(joinedload(ReportingRound.plan))
        )
    )


def open_rounds_for_unit(unit_id: int) -> list[ReportingRound]:
    """The open rounds in which the unit has measures to report on, one per plan at most."""
    responsible = (
        select(MeasureReport.round_id)
        .join(Responsibility, Responsibility.measure_id == MeasureReport.measure_id)
        .where(Responsibility.unit_id == unit_id)
    )
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(ReportingRound.state == RoundState.OPEN, ReportingRound.id.in_(responsible))
            .order_by(ReportingRound.plan_id, ReportingRound.id)
            .options(joinedload(ReportingRound.plan))
        )
    )


def unpublished_rounds(plan: Plan) -> list[ReportingRound]:
    """The plan's rounds still being reported on or reviewed (open or closed), oldest first."""
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(
                ReportingRound.plan_id == plan.id,
                ReportingRound.state != RoundState.PUBLISHED,
            )
            .order_by(ReportingRound.as_of, ReportingRound.id)
            .options(joinedload(ReportingRound.plan))
        )
    )


def unit_measures_by_plan(unit_id: int) -> list[tuple[Plan, list[Measure]]]:
    """The measures the unit is responsible for (lead or co-responsible), plan by plan, in
    number order; for a contact person's start page between rounds. One query."""
    responsible = select(Responsibility.measure_id).where(Responsibility.unit_id == unit_id)
    measures = db.session.scalars(
        select(Measure)
        .where(Measure.id.in_(responsible))
        .order_by(Measure.plan_id, Measure.number)
        .options(
            joinedload(Measure.plan),
            selectinload(Measure.responsibilities).joinedload(Responsibility.unit),
        )
    ).unique()
    by_plan: dict[int, tuple[Plan, list[Measure]]] = {}
    for measure in measures:
        by_plan.setdefault(measure.plan_id, (measure.plan, []))[1].append(measure)
    return list(by_plan.values())


def all_rounds(plans: list[Plan]) -> list[ReportingRound]:
    """Every round of the plans, newest first, with its plan loaded."""
    return list(
        db.session.scalars(
            select(ReportingRound)
            .where(ReportingRound.plan_id.in_([plan.id for plan in plans]))
            .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
            .options(joinedload(ReportingRound.plan))
        )
    )


def get_report(reporting_round: ReportingRound, measure_number: int) -> MeasureReport | None:
    return db.session.scalars(
        select(MeasureReport)
        .join(Measure)
        .where(MeasureReport.round_id == reporting_round.id, Measure.number == measure_number)
        .options(*_report_options())
    ).first()


def reports_in_round(
    reporting_round: ReportingRound, numbers: list[int] | None = None
) -> list[MeasureReport]:
    """Every report of the round (or those of the measures ``numbers``) by measure number, with
    measure, units and author loaded."""
    query = (
        select(MeasureReport)
        .join(Measure)
        .where(MeasureReport.round_id == reporting_round.id)
        .order_by(Measure.number)
        .options(*_report_options())
    )
    if numbers is not None:
        query = query.where(Measure.number.in_(numbers))
    return list(db.session.scalars(query).unique())


def reports_for_unit(reporting_round: ReportingRound, unit_id: int) -> list[MeasureReport]:
    """The round's reports on measures the unit is responsible for, lead or co-responsible."""
    responsible = select(Responsibility.measure_id).where(Responsibility.unit_id == unit_id)
    return list(
        db.session.scalars(
            select(MeasureReport)
            .join(Measure)
            .where(
                MeasureReport.round_id == reporting_round.id,
                MeasureReport.measure_id.in_(responsible),
            )
            .order_by(Measure.number)
            .options(*_report_options())
        ).unique()
    )


def previous_published_report(report: MeasureReport) -> MeasureReport | None:
    """The same measure's report in the latest published round before this one."""
    return db.session.scalars(
        select(MeasureReport)
        .join(ReportingRound)
        .where(
            MeasureReport.measure_id == report.measure_id,
            MeasureReport.round_id != report.round_id,
            MeasureReport.review_state == ReviewState.APPROVED,
            ReportingRound.state == RoundState.PUBLISHED,
            ReportingRound.as_of <= report.round.as_of,
        )
        .order_by(ReportingRound.as_of.desc(), ReportingRound.id.desc())
        .options(joinedload(MeasureReport.round))
    ).first()


def revisions_of(report: MeasureReport) -> list[ReportRevision]:
    """A report's history, oldest first, with each author loaded."""
    return list(
        db.session.scalars(
            select(ReportRevision)
            .where(ReportRevision.report_id == report.id)
            .order_by(ReportRevision.version)
            .options(joinedload(ReportRevision.author))
        )
    )


@dataclass
class UnitProgress:
    """One row of the coordinator's overview: a lead unit's reports in a round."""

    unit: ResponsibleUnit
    counts: dict[Progress, int] = field(default_factory=lambda: dict.fromkeys(Progress, 0))
    overdue: list[MeasureReport] = field(default_factory=list)
    contacts: list = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return sum(self.counts[progress] for progress in OUTSTANDING)


def progress_by_unit(
    reports: list,
    contacts_by_unit: dict[int, list],
    positions: dict[int, int],
    on: date | None = None,
) -> list[UnitProgress]:
    """Group a round's reports (``ReportState`` rows) by lead unit, so every report is counted
    exactly once; in the plan's order of its units (``positions``, by unit id)."""
    units = {
        unit.id: unit
        for unit in db.session.scalars(
            select(ResponsibleUnit).where(
                ResponsibleUnit.id.in_({report.lead_unit_id for report in reports})
            )
        )
    }
    rows: dict[int, UnitProgress] = {}
    for report in reports:
        lead = report.lead_unit_id
        row = rows.setdefault(
            lead, UnitProgress(units[lead], contacts=contacts_by_unit.get(lead, []))
        )
        row.counts[progress_of(report)] += 1
        if is_overdue(report, on):
            row.overdue.append(report)
    unlisted = len(positions)
    return sorted(
        rows.values(),
        key=lambda row: (positions.get(row.unit.id, unlisted), row.unit.abbreviation),
    )


@dataclass(frozen=True)
class ReportState:
    """What the coordinator's overview counts of one report, as plain values: progress,
    language, lead unit. ``progress_of``, ``is_overdue`` and ``nynorsk_share`` take these as
    they take reports; counting 5,000 reports as entities with their measures and units took
    2 s at 100 times today's data."""

    id: int
    number: int
    review_state: ReviewState
    version: int
    narrative: str
    narrative_language: str
    lead_unit_id: int
    round: ReportingRound


def report_states(reporting_round: ReportingRound) -> list[ReportState]:
    """Every report of the round by measure number, as ``ReportState`` rows: one query."""
    rows = db.session.execute(
        select(
            MeasureReport.id,
            Measure.number,
            MeasureReport.review_state,
            MeasureReport.version,
            MeasureReport.narrative,
            MeasureReport.narrative_language,
            Responsibility.unit_id,
        )
        .join(Measure, Measure.id == MeasureReport.measure_id)
        # Position 0 is the lead unit; every measure has exactly one.
        .join(
            Responsibility,
            (Responsibility.measure_id == Measure.id) & (Responsibility.position == 0),
        )
        .where(MeasureReport.round_id == reporting_round.id)
        .order_by(Measure.number)
    )
    return [ReportState(*row, round=reporting_round) for row in rows]


# Reports per page of the coordinator's overview; the first plan's 50 fit on one.
REPORTS_PER_PAGE = 100


@dataclass(frozen=True)
class ReportPage(Paged):
    reports: list[MeasureReport]
    total: int  # reports shown with the chosen filter, on every page
    number: int  # this page's, from 1
    size: int = REPORTS_PER_PAGE


def report_page(shown: list[ReportState], number: int) -> ReportPage:
    """Page ``number`` of ``shown`` (page 1 if there is no such page), its reports loaded."""
    size = REPORTS_PER_PAGE
    if not shown[(number - 1) * size : number * size]:
        number = 1
    wanted = [state.id for state in shown[(number - 1) * size : number * size]]
    return ReportPage(reports_with_ids(wanted), len(shown), number)


def reports_with_ids(ids: list[int]) -> list[MeasureReport]:
    """These reports (one page of a list), by measure number, loaded as ``reports_in_round``
    loads them."""
    return list(
        db.session.scalars(
            select(MeasureReport)
            .join(Measure)
            .where(MeasureReport.id.in_(ids))
            .order_by(Measure.number)
            .options(*_report_options())
        ).unique()
    )


@dataclass(frozen=True)
class LanguageShare:
    """How many of a set of narratives are in nynorsk (empty narratives are not counted)."""

    nynorsk: int
    total: int

    @property
    def percent(self) -> int:
        # Rounded down, so a share just under the minimum never shows as the minimum itself.
        return self.nynorsk * 100 // self.total if self.total else 0

    @property
    def meets_minimum(self) -> bool:
        return self.total > 0 and self.nynorsk >= self.total * NYNORSK_MINIMUM_SHARE


def nynorsk_share(reports: list, *, approved_only: bool = False) -> LanguageShare:
    """The nynorsk share of the round's written narratives (from reports or ``ReportState``
    rows already read)."""
    written = [
        report
        for report in reports
        if report.narrative.strip()
        and (not approved_only or report.review_state == ReviewState.APPROVED)
    ]
    nynorsk = sum(1 for report in written if report.narrative_language == "nn")
    return LanguageShare(nynorsk=nynorsk, total=len(written))


@dataclass
class Gap:
    """A measure with no approved report in the round, and what the public will see for it."""

    report: MeasureReport
    public: MeasureReport | None  # its latest published report, from an earlier round


def publication_gaps(
    reports: list[MeasureReport], latest_public: dict[int, MeasureReport]
) -> list[Gap]:
    """The round's reports that publishing would not make public, each with the status the
    public keeps seeing (or None: «Ikke rapportert»)."""
    return [
        Gap(report, latest_public.get(report.measure_id))
        for report in reports
        if report.review_state != ReviewState.APPROVED
    ]


def neighbours(
    reporting_round: ReportingRound, current: MeasureReport, unit_id: int | None
) -> tuple[int | None, int | None]:
    """The measure numbers before and after this one in the person's list (the unit's
    measures, or all for the coordinator), for «forrige / neste tiltak». One light query."""
    query = (
        select(Measure.number)
        .join(MeasureReport, MeasureReport.measure_id == Measure.id)
        .where(MeasureReport.round_id == reporting_round.id)
        .order_by(Measure.number)
    )
    if unit_id is not None:
        responsible = select(Responsibility.measure_id).where(Responsibility.unit_id == unit_id)
        query = query.where(Measure.id.in_(responsible))
    numbers = list(db.session.scalars(query))
    number = current.measure.number
    if number not in numbers:
        return None, None
    position = numbers.index(number)
    return (
        numbers[position - 1] if position > 0 else None,
        numbers[position + 1] if position + 1 < len(numbers) else None,
    )


def next_waiting(reporting_round: ReportingRound, after_number: int) -> int | None:
    """The number of the next report waiting for review after this measure (from the start
    again past the last), for «Neste til gjennomgang»; None when no other one waits."""
    numbers = list(
        db.session.scalars(
            select(Measure.number)
            .join(MeasureReport, MeasureReport.measure_id == Measure.id)
            .where(
                MeasureReport.round_id == reporting_round.id,
                MeasureReport.review_state == ReviewState.SUBMITTED,
                Measure.number != after_number,
            )
            .order_by(Measure.number)
        )
    )
    later = [number for number in numbers if number > after_number]
    ordered = later or numbers
    return ordered[0] if ordered else None


def carried_values(reports: list[MeasureReport]) -> dict[int, tuple]:
    """Each report's (status, narrative) as the round opened with it, carried from the last
    published round; one query. Reports made otherwise (tests, imports) have none."""
    ids = [report.id for report in reports]
    if not ids:
        return {}
    return {
        revision.report_id: (revision.new_status, revision.new_narrative)
        for revision in db.session.scalars(
            select(ReportRevision).where(
                ReportRevision.report_id.in_(ids), ReportRevision.action == "opened"
            )
        )
    }


def unchanged_problem(report: MeasureReport, carried: dict[int, tuple]):
    """Why «Ingen endring» cannot send this report as it stands, or None: it must be editable,
    have a text, and its text and status must be the ones carried from the last round."""
    if not report.narrative.strip():
        return N_("har ingen statusbeskrivelse. Skriv en før du sender.")
    if report.review_state not in (ReviewState.DRAFT, ReviewState.RETURNED):
        return N_("er allerede sendt til gjennomgang.")
    if report.round.state != RoundState.OPEN:
        return N_("kan ikke sendes: runden er lukket.")
    if report.review_state == ReviewState.RETURNED:
        return N_("er sendt tilbake med en kommentar. Rett den i skjemaet og send den derfra.")
    unchanged = (
        (report.status, report.narrative) == carried[report.id]
        if report.id in carried
        else report.version == OPENED_VERSION
    )
    if not unchanged:
        return N_("er endret siden forrige runde. Send den fra skjemaet, så du ser hva du sender.")
    return None


def submitted_count(reports: list[MeasureReport]) -> int:
    """Reports the unit has sent: waiting for review or approved («3 av 18 sendt inn»)."""
    return sum(
        report.review_state in (ReviewState.SUBMITTED, ReviewState.APPROVED) for report in reports
    )


def last_editor(report: MeasureReport):
    """Who last changed the report's text or state in this round (None: nobody yet)."""
    return report.updated_by if report.version > OPENED_VERSION else None


def latest_return_comment(report: MeasureReport) -> ReportRevision | None:
    """The coordinator's last «send back», so a re-review can show what was asked and what
    changed since."""
    return db.session.scalars(
        select(ReportRevision)
        .where(ReportRevision.report_id == report.id, ReportRevision.action == "returned")
        .order_by(ReportRevision.version.desc())
        .limit(1)
    ).first()
