"""Writes for the spreadsheets: keep an upload until it is confirmed, and apply a preview in the
request's one transaction (flush only; the view's unit of work commits or rolls back all)."""

from sqlalchemy import delete

from tracker.audit.operations import record_event
from tracker.extensions import db
from tracker.reporting.operations import confirm_unchanged, save_report, submit_report
from tracker.results.operations import ValueInput, save_results
from tracker.spreadsheets.models import SheetUpload
from tracker.spreadsheets.reconcile import Preview
from tracker.spreadsheets.reconcile_results import MilestoneChange, ValueChange


def store_upload(user, reporting_round, filename: str, content: bytes, submit: bool) -> SheetUpload:
    """Keep the file for the confirmation; the person's earlier uploads go (one at a time)."""
    db.session.execute(delete(SheetUpload).where(SheetUpload.user_id == user.id))
    upload = SheetUpload(
        user_id=user.id,
        round_id=reporting_round.id,
        filename=filename[:255],
        content=content,
        submit=submit,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def discard_upload(upload: SheetUpload) -> None:
    db.session.delete(upload)
    db.session.flush()


def apply_preview(preview: Preview, author, reporting_round) -> int:
    """Every change of the preview, or none: a report saved meanwhile raises EditConflict (from
    its version) and the view's unit of work rolls back what came before. Conflicts are left
    alone. Returns the number of reports changed.

    Indicator values and milestone dates go first, through the results form's own operation,
    while their reports are still drafts (a row of the same upload may send one for review)."""
    results = _apply_results(preview.result_changes)
    confirmed = [change.report for change in preview.changes if change.action == "confirm"]
    for change in preview.changes:
        if change.action == "confirm":
            continue
        operation = submit_report if change.action == "submit" else save_report
        operation(
            change.report,
            change.version,
            change.status,
            change.narrative,
            author,
            narrative_language=change.language,
        )
    if confirmed:
        confirm_unchanged(confirmed, author)
    record_event(
        "sheet_uploaded",
        user=author,
        details={
            "round": reporting_round.slug,
            "changed": len(preview.changes),
            "conflicts": len(preview.conflicts),
            "results_changed": results,
            "result_conflicts": len(preview.result_conflicts),
            "measures": sorted(
                {c.report.measure.number for c in [*preview.changes, *preview.result_changes]}
            ),
        },
    )
    return len(preview.changes)


def _apply_results(changes: list[ValueChange | MilestoneChange]) -> int:
    """Each report's indicator values and milestone dates in one ``save_results``."""
    by_report: dict = {}
    for change in changes:
        milestones, values = by_report.setdefault(change.report, ({}, []))
        if isinstance(change, MilestoneChange):
            milestones[change.milestone] = change.done_on
        else:
            values.append(
                ValueInput(
                    indicator=change.indicator,
                    value=change.value,
                    period=change.period,
                    comment=change.comment,
                    unchanged=change.unchanged,
                )
            )
    return sum(
        save_results(report, milestones, values, [], [])
        for report, (milestones, values) in by_report.items()
    )
