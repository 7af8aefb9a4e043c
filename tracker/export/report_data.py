"""Collect everything the midterm report shows, as plain frozen data (no ORM objects leak out).

The builder (``docx_report``) and the benchmark work on these dataclasses only, so the document
can be built, tested and timed without a database. Collecting issues a fixed number of queries,
whatever the number of measures.
"""

from dataclasses import dataclass
from datetime import date, datetime

from tracker import narrative
from tracker.export.queries import previous_published_round
from tracker.export.results_data import ResultsData, collect_results
from tracker.i18n import TIMEZONE
from tracker.measures.queries import areas_with_measures
from tracker.ministries.models import UnitKind
from tracker.ministries.queries import units_with_measures
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.reporting.queries import (
    PUBLIC_REVIEW_STATES,
    StatusSummary,
    latest_public_reports,
    status_as_of,
)
from tracker.reporting.states import ReviewState, Status
from tracker.text import N_

# A draft report shows every text a contact person has saved, whatever its review state.
DRAFT_REVIEW_STATES = tuple(ReviewState)
NOT_REPORTED = N_("Ikke rapportert")
SENT_STATES = (ReviewState.SUBMITTED, ReviewState.APPROVED)


@dataclass(frozen=True)
class MinistryRef:
    abbreviation: str
    name: str


@dataclass(frozen=True)
class MeasureEntry:
    number: int
    title: str
    description: str
    ministries: tuple[MinistryRef, ...]  # lead first
    status: Status | None  # None: no report in the review states this report includes
    narrative: str
    review_state: ReviewState | None = None
    narrative_language: str = "nb"  # "nb" or "nn": the written standard of the narrative
    note: str = ""  # how this text was reconciled with the published source, if it was
    # When the status is carried from an earlier round (no report in this one): that round's
    # «status pr.» date and title. None: the status is this round's own report.
    earlier_as_of: date | None = None
    earlier_round_title: str = ""
    # Northern Sámi (issue 26): the measure's public summary and the report's text, "" if none.
    summary_se: str = ""
    narrative_se: str = ""

    @property
    def status_label(self) -> str:
        return self.status.label if self.status else NOT_REPORTED


@dataclass(frozen=True)
class AreaSection:
    key: str
    name: str
    measures: tuple[MeasureEntry, ...]


@dataclass(frozen=True)
class MeasureChange:
    number: int
    title: str
    old_status: Status | None
    new_status: Status | None
    narrative_changed: bool


@dataclass(frozen=True)
class ChangesSincePrevious:
    """The appendix: what changed since the previous published round (None: there was none)."""

    previous_title: str | None
    previous_as_of: date | None
    changes: tuple[MeasureChange, ...]
    not_reported: int = 0  # measures without a report in this report: no comparison possible


@dataclass(frozen=True)
class SourceNote:
    """One entry of the appendix on the source: the plan's (number None) or a measure's."""

    number: int | None
    title: str
    note: str


@dataclass(frozen=True)
class ReportData:
    plan_title: str
    plan_period: str
    author: str
    round_title: str
    round_slug: str
    as_of: date
    intro: str
    generated_on: date
    draft: bool
    ministries: tuple[MinistryRef, ...]
    summary: StatusSummary
    areas: tuple[AreaSection, ...]
    changes: ChangesSincePrevious | None = None
    published: bool = True
    plan_note: str = ""
    # Milestones, indicators and budget (tracker/export/results_part.py); None: not collected.
    results: ResultsData | None = None
    reported_in_round: int = 0  # measures with their own report in this round
    # The appendix on how the seeded text was reconciled with the published midterm report:
    # internal material for the first round's draft, never in a final or a later report.
    include_source_notes: bool = False
    language: str = "nb"  # the frame's written standard: "nb" or "nn" (report_language)
    plan_language: str = "nb"  # the plan's own texts (descriptions, introduction)
    # The colophon: what the plan's owner gives for it (printed only when given).
    isbn: str = ""
    issn: str = ""
    licence: str = ""
    contact: str = ""
    # Every responsible unit is a ministry (a national plan): the report says «departementer».
    units_are_ministries: bool = True
    # A final report (Sluttrapport): results come first, before the status per area.
    final: bool = False

    @property
    def source_notes(self) -> tuple[SourceNote, ...]:
        """The appendix «Merknader om kildegrunnlaget»: the plan's note, then by measure (none
        unless ``include_source_notes``)."""
        if not self.include_source_notes:
            return ()
        notes = [SourceNote(None, "", self.plan_note)] if self.plan_note.strip() else []
        notes += [
            SourceNote(measure.number, measure.title, measure.note)
            for area in self.areas
            for measure in area.measures
            if measure.note.strip()
        ]
        return tuple(sorted(notes, key=lambda n: -1 if n.number is None else n.number))

    @property
    def measure_count(self) -> int:
        return self.summary.measure_count

    @property
    def unreported_count(self) -> int:
        """Measures in the plan without a report in this report's review states."""
        return self.summary.unreported


def collect_report_data(
    reporting_round: ReportingRound,
    *,
    draft: bool = False,
    include_changes: bool = False,
    generated_on: date | None = None,
    language: str = "nb",
) -> ReportData:
    """The report of one round. Its title page, author (the plan's owner), period and source
    notes come from the round's plan; its introduction from the round."""
    review_states = DRAFT_REVIEW_STATES if draft else PUBLIC_REVIEW_STATES
    # The public page's query stopped at the round's date: the report's totals are its totals.
    summary, reports = status_as_of(reporting_round, review_states)
    entries: dict[int, MeasureEntry] = {}  # by measure id, for the comparison with another round
    sections = []
    plan = reporting_round.plan
    for area in areas_with_measures(plan):
        for measure in area.measures:
            entries[measure.id] = _measure_entry(measure, reports.get(measure.id), reporting_round)
        sections.append(
            AreaSection(
                area.key, area.name, tuple(entries[measure.id] for measure in area.measures)
            )
        )
    units = units_with_measures(plan)
    return ReportData(
        plan_title=plan.title,
        plan_period=plan.period,
        author=plan.owner,
        round_title=reporting_round.title,
        round_slug=reporting_round.slug,
        as_of=reporting_round.as_of,
        intro=reporting_round.intro or "",
        generated_on=generated_on or datetime.now(TIMEZONE).date(),
        draft=draft,
        # Alphabetical by name: a reader looks a unit up, and no order is implied.
        ministries=tuple(
            sorted(
                {
                    *(MinistryRef(u.abbreviation, u.name) for u in units),
                    *(ref for entry in entries.values() for ref in entry.ministries),
                },
                key=lambda ministry: ministry.name.casefold(),
            )
        ),
        summary=summary,
        areas=tuple(sections),
        changes=_changes_since_previous(reporting_round, entries) if include_changes else None,
        include_source_notes=draft and previous_published_round(reporting_round) is None,
        language=language,
        plan_language=plan.default_language or "nb",
        isbn=plan.isbn or "",
        issn=plan.issn or "",
        licence=plan.licence or "",
        contact=plan.contact or "",
        published=reporting_round.is_published,
        plan_note=plan.note or "",
        results=collect_results(reporting_round, draft),
        # A draft shows saved texts too, but a unit has reported only once it sent its text.
        reported_in_round=sum(
            1
            for report in reports.values()
            if report.round_id == reporting_round.id and report.review_state in SENT_STATES
        ),
        units_are_ministries=all(unit.kind == UnitKind.MINISTRY for unit in units),
    )


def _measure_entry(
    measure, report: MeasureReport | None, reporting_round: ReportingRound
) -> MeasureEntry:
    earlier = report is not None and report.round_id != reporting_round.id
    return MeasureEntry(
        number=measure.number,
        title=measure.title,
        description=measure.description,
        # A report keeps the names its units had when it was made (a reorganisation since).
        ministries=tuple(
            MinistryRef(abbreviation, name)
            for abbreviation, name in (
                report.units_then
                if report
                else [(unit.abbreviation, unit.name) for unit in measure.units]
            )
        ),
        status=Status(report.status) if report else None,
        narrative=(report.narrative or "") if report else "",
        review_state=ReviewState(report.review_state) if report else None,
        narrative_language=report.narrative_language if report else "nb",
        note=measure.note or "",
        earlier_as_of=report.round.as_of if report is not None and earlier else None,
        earlier_round_title=report.round.title if report is not None and earlier else "",
        summary_se=measure.summary_se or "",
        narrative_se=(report.narrative_se or "") if report else "",
    )


def _changes_since_previous(
    reporting_round: ReportingRound, entries: dict[int, MeasureEntry]
) -> ChangesSincePrevious:
    previous = previous_published_round(reporting_round)
    if previous is None:
        return ChangesSincePrevious(previous_title=None, previous_as_of=None, changes=())
    before = latest_public_reports(previous.plan, up_to=previous)  # what the public saw then
    changes = []
    not_reported = 0
    for measure_id, entry in sorted(entries.items(), key=lambda item: item[1].number):
        if entry.status is None:
            # Not reported (or not approved) yet: nothing to compare, so not a change.
            not_reported += 1
            continue
        old = before.get(measure_id)
        old_status = Status(old.status) if old else None
        narrative_changed = old is None or _same_text(old.narrative) != _same_text(entry.narrative)
        if old_status != entry.status or narrative_changed:
            changes.append(
                MeasureChange(
                    entry.number, entry.title, old_status, entry.status, narrative_changed
                )
            )
    return ChangesSincePrevious(previous.title, previous.as_of, tuple(changes), not_reported)


def _same_text(text: str | None) -> str:
    """Text as a reader sees it: a changed line ending or trailing space is no change."""
    return narrative.clean_text(text or "")
