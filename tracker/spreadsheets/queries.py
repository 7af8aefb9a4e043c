"""Reads for the spreadsheets: a stored upload, the revisions a sheet was downloaded at, the
rows of the round sheet and of the coordinator's export, and the preview of an upload."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.measures.models import Measure, Responsibility
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.permissions import report_is_editable
from tracker.reporting.states import STATUS_ORDER
from tracker.reporting.workflow_queries import carried_values, reports_for_unit
from tracker.spreadsheets import stamps
from tracker.spreadsheets.models import SheetUpload
from tracker.spreadsheets.reconcile import Preview, reconcile
from tracker.spreadsheets.round_sheet import RoundSheet, SheetRow
from tracker.spreadsheets.upload import read_upload
from tracker.templating import long_date


def get_upload(upload_id: int, reporting_round: ReportingRound) -> SheetUpload | None:
    """An upload for this round (whose it is, the view checks)."""
    return db.session.scalar(
        select(SheetUpload).where(
            SheetUpload.id == upload_id, SheetUpload.round_id == reporting_round.id
        )
    )


def preview_upload(upload: SheetUpload, reporting_round: ReportingRound, unit_id: int) -> Preview:
    """Read the stored file again and compare it with the database as it is now."""
    parsed = read_upload(
        upload.content, upload.filename, current_app.config["NARRATIVE_MAX_LENGTH"]
    )
    reports = reports_for_unit(reporting_round, unit_id)
    return reconcile(
        parsed,
        reporting_round,
        unit_id,
        reports,
        downloaded_revisions([report.id for report in reports]),
        carried_values(reports),
        upload.submit,
    )


def downloaded_revisions(report_ids: list[int]) -> dict[tuple[int, int], ReportRevision]:
    """Every revision of these reports by (report id, version): what each version said."""
    if not report_ids:
        return {}
    revisions = db.session.scalars(
        select(ReportRevision).where(ReportRevision.report_id.in_(report_ids))
    )
    return {(revision.report_id, revision.version): revision for revision in revisions}


def round_sheet(reporting_round: ReportingRound, unit) -> RoundSheet:
    """The sheet's content for the unit: its reports in the round, with signed stamps."""
    rows = []
    for report in reports_for_unit(reporting_round, unit.id):
        lead = report.measure.lead_unit.id == unit.id
        rows.append(
            SheetRow(
                number=report.measure.number,
                title=report.measure.title,
                responsibility=_("Hovedansvar") if lead else _("Medansvar"),
                review_state=_(report.review_state.label),
                editable=report_is_editable(report),
                status=_(report.status.label),
                narrative=report.narrative,
                language=_("Nynorsk") if report.narrative_language == "nn" else _("Bokmål"),
                stamp=stamps.row_stamp(reporting_round.slug, report.measure.number, report.version),
            )
        )
    return RoundSheet(
        round_title=reporting_round.title,
        unit_name=unit.name,
        deadline=long_date(reporting_round.deadline) or None,
        # The plan's natural order: not started → in progress → completed.
        status_labels=[_(status.label) for status in reversed(STATUS_ORDER)],
        language_labels=[_("Bokmål"), _("Nynorsk")],
        yes=_("Ja"),
        no=_("Nei"),
        sheet_stamp=stamps.sheet_stamp(reporting_round.slug, unit.id),
        rows=rows,
    )


def round_reports_for_export(rounds: list[ReportingRound]) -> list[MeasureReport]:
    """Every report of these rounds with its measure, units and last editor: one query each."""
    if not rounds:
        return []
    return list(
        db.session.scalars(
            select(MeasureReport)
            .join(Measure)
            .where(MeasureReport.round_id.in_([r.id for r in rounds]))
            .order_by(MeasureReport.round_id, Measure.number)
            .options(
                selectinload(MeasureReport.measure)
                .selectinload(Measure.responsibilities)
                .selectinload(Responsibility.unit),
                selectinload(MeasureReport.updated_by),
                selectinload(MeasureReport.round),
            )
        )
    )
