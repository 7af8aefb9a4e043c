"""What an uploaded sheet would change, measured against the database: per row a change (with a
word diff of the narrative), a conflict (the report was changed in the browser after the sheet
was downloaded: both texts, nothing overwritten), nothing, or a problem with its row and column.

The same function answers the preview and the confirmation, so what is applied is what was
previewed; ``fingerprint`` tells the confirmation whether the database moved on in between.
"""

import hashlib
from dataclasses import dataclass, field

from flask_babel import gettext as _

from tracker.reporting import diff
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.permissions import report_is_editable
from tracker.reporting.states import Status
from tracker.reporting.workflow_queries import unchanged_problem
from tracker.spreadsheets import round_sheet as layout
from tracker.spreadsheets import stamps
from tracker.spreadsheets.reconcile_results import (
    MilestoneChange,
    ResultConflict,
    ResultsContext,
    ValueChange,
    reconcile_results,
)
from tracker.spreadsheets.upload import ParsedSheet, Problem, SheetRefused, UploadedRow


@dataclass(frozen=True)
class Change:
    row: int
    report: MeasureReport
    version: int  # the version the change is based on (the one downloaded, still current)
    status: Status
    narrative: str
    language: str
    action: str  # "save", "submit" or "confirm" (sent for review as it stands)
    pieces: list[diff.Piece]

    @property
    def status_changed(self) -> bool:
        return self.status != self.report.status


@dataclass(frozen=True)
class Conflict:
    row: int
    report: MeasureReport
    status: Status
    narrative: str
    pieces: list[diff.Piece]  # from the text saved in the browser to the sheet's


@dataclass
class Preview:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    # Indicator values and milestone dates (reconcile_results.py).
    result_changes: list[ValueChange | MilestoneChange] = field(default_factory=list)
    result_conflicts: list[ResultConflict] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.result_changes)

    @property
    def fingerprint(self) -> str:
        """What would be applied, against which versions: equal only for equal outcomes."""
        digest = hashlib.sha256()
        for change in self.changes:
            parts = (change.report.id, change.version, change.status.value, change.language)
            digest.update(repr((*parts, change.action, change.narrative)).encode())
        for conflict in self.conflicts:
            digest.update(repr((conflict.report.id, conflict.report.version)).encode())
        for result in self.result_changes:
            digest.update(repr(result.key).encode())
        for result_conflict in self.result_conflicts:
            where = (result_conflict.sheet, result_conflict.row, result_conflict.base)
            digest.update(repr(where).encode())
        return digest.hexdigest()


def reconcile(
    parsed: ParsedSheet,
    reporting_round: ReportingRound,
    unit_id: int,
    reports: list[MeasureReport],
    downloaded: dict[tuple[int, int], ReportRevision],
    carried: dict[int, tuple],
    submit: bool,
    results: ResultsContext | None = None,
) -> Preview:
    """``reports``: the unit's reports in the round; ``downloaded``: their revisions by
    (report id, version), for the versions the sheet names; ``carried``: what each report was
    opened with (``workflow_queries.carried_values``); ``results``: what the indicator and
    milestone rows are compared with."""
    _check_sheet_stamp(parsed.sheet_stamp, reporting_round, unit_id)
    preview = Preview(problems=list(parsed.problems))
    headings = layout.headings()
    by_number = {report.measure.number: report for report in reports}
    seen: set[int] = set()
    problem_rows = {p.row for p in parsed.problems if p.sheet == layout.REPORT_SHEET}

    def problem(row: UploadedRow, column: int, message: str) -> None:
        preview.problems.append(Problem(row.row, headings[column - 1], message))

    for row in parsed.rows:
        report = by_number.get(row.number)
        if report is None:
            problem(
                row,
                layout.NUMBER,
                _(
                    "Tiltak %(number)d er ikke et av tiltakene enheten din rapporterer på i "
                    "denne runden.",
                    number=row.number,
                ),
            )
            continue
        if row.number in seen:
            problem(row, layout.NUMBER, _("Tiltak %(number)d står to ganger.", number=row.number))
            continue
        seen.add(row.number)
        stamp = stamps.read_row_stamp(reporting_round.slug, row.stamp)
        if stamp is None or stamp[0] != row.number:
            problem(
                row,
                layout.STAMP,
                _(
                    "Kontrollfeltet i raden er endret eller mangler. Last ned arket på nytt og "
                    "før inn endringene der."
                ),
            )
            continue
        if row.row in problem_rows or row.status is None or row.language is None:
            continue  # already a problem of its own
        _compare(row, report, stamp[1], downloaded, carried, submit, preview, problem)
    outcome = reconcile_results(parsed, reporting_round, by_number, results or ResultsContext())
    preview.result_changes = outcome.changes
    preview.result_conflicts = outcome.conflicts
    preview.problems += outcome.problems
    return preview


def _compare(row, report, version, downloaded, carried, submit, preview, problem) -> None:
    sheet = (row.status, row.narrative, row.language)
    current = (report.status, report.narrative, report.narrative_language)
    revision = downloaded.get((report.id, version))
    if revision is not None:
        base = (revision.new_status, revision.new_narrative, revision.narrative_language)
    elif version == report.version:
        base = current
    else:
        base = None  # the downloaded version's text is not known: any difference counts
    edited = sheet != base
    moved = version != report.version
    if not edited or sheet == current:
        if row.unchanged and submit:
            if moved:
                _conflict(row, report, preview)
                return
            if report_is_editable(report):  # one already sent or approved has nothing to send
                # The workflow's own rule for «ingen endring» (the start page's, too).
                reason = unchanged_problem(report, carried)
                if reason is not None:
                    problem(row, layout.UNCHANGED, _("Tiltaket %(reason)s", reason=_(reason)))
                    return
                preview.changes.append(_change(row, report, version, "confirm"))
                return
        preview.unchanged += 1
        return
    if row.unchanged:
        problem(
            row,
            layout.UNCHANGED,
            _(
                "Du har svart ja på «ingen endring», men endret status, tekst eller språk i "
                "raden. Svar nei, eller ta endringen bort."
            ),
        )
        return
    if moved:
        _conflict(row, report, preview)
        return
    if not report_is_editable(report):
        problem(
            row,
            layout.STATUS,
            _(
                "Tiltak %(number)d er sendt til gjennomgang eller godkjent og kan ikke endres nå.",
                number=row.number,
            ),
        )
        return
    if submit and not row.narrative.strip():
        problem(
            row,
            layout.NARRATIVE,
            _("Skriv en statusbeskrivelse før du sender til gjennomgang."),
        )
        return
    preview.changes.append(_change(row, report, version, "submit" if submit else "save"))


def _change(row: UploadedRow, report, version: int, action: str) -> Change:
    return Change(
        row=row.row,
        report=report,
        version=version,
        status=row.status or report.status,
        narrative=row.narrative,
        language=row.language or report.narrative_language,
        action=action,
        pieces=diff.compare_text(report.narrative, row.narrative),
    )


def _conflict(row: UploadedRow, report, preview: Preview) -> None:
    preview.conflicts.append(
        Conflict(
            row=row.row,
            report=report,
            status=row.status or report.status,
            narrative=row.narrative,
            pieces=diff.compare_text(report.narrative, row.narrative),
        )
    )


def _check_sheet_stamp(stamp: str, reporting_round: ReportingRound, unit_id: int) -> None:
    read = stamps.read_sheet_stamp(stamp)
    if read is None:
        raise SheetRefused(
            _(
                "Kontrollfeltet i arket er endret eller mangler, så arket kan ikke leses. Last "
                "ned arket på nytt."
            )
        )
    round_slug, sheet_unit = read
    if round_slug != reporting_round.slug:
        raise SheetRefused(
            _(
                "Arket er for en annen rapporteringsrunde («%(sheet)s»), ikke for «%(round)s». "
                "Last ned arket for denne runden.",
                sheet=round_slug,
                round=reporting_round.slug,
            )
        )
    if sheet_unit != unit_id:
        raise SheetRefused(
            _(
                "Arket er lastet ned for en annen enhet enn din. Last ned arket for din enhet og "
                "fyll ut det."
            )
        )
