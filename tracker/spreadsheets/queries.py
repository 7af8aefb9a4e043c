"""Reads for the spreadsheets: a stored upload, the revisions a sheet was downloaded at, the
rows of the round sheet and of the coordinator's export, and the preview of an upload."""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.measures.models import Measure, Responsibility
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.permissions import report_is_editable
from tracker.reporting.states import STATUS_ORDER
from tracker.reporting.workflow_queries import carried_values, reports_for_unit, today
from tracker.results.numbers import format_number
from tracker.results.permissions import milestone_open_to
from tracker.results.queries import (
    earlier_values_of_measures,
    indicators_of_measures,
    milestones_of_measures,
    values_in_reports,
)
from tracker.spreadsheets import stamps
from tracker.spreadsheets.models import SheetUpload
from tracker.spreadsheets.reconcile import Preview, reconcile
from tracker.spreadsheets.reconcile_results import (
    INDICATOR,
    MILESTONE,
    ResultsContext,
    milestone_state,
    stored_indicator_state,
)
from tracker.spreadsheets.round_sheet import IndicatorRow, MilestoneRow, RoundSheet, SheetRow
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
        results_context(reporting_round, reports),
    )


def results_context(reporting_round: ReportingRound, reports: list[MeasureReport]):
    """The indicators and milestones of these reports' measures with this round's and the last
    round's values: four queries, whatever the number of measures."""
    measure_ids = [report.measure_id for report in reports]
    plan = reporting_round.plan
    return ResultsContext(
        indicators={i.id: i for i in indicators_of_measures(measure_ids)},
        milestones={m.id: m for m in milestones_of_measures(measure_ids)},
        values=values_in_reports([report.id for report in reports]),
        earlier=earlier_values_of_measures(measure_ids, reporting_round),
        first_year=plan.first_year,
        period=plan.period,
        today=today(),
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
    """The sheet's content for the unit: its reports in the round, with signed stamps, and
    their measures' indicators and milestones."""
    rows = []
    reports = reports_for_unit(reporting_round, unit.id)
    context = results_context(reporting_round, reports)
    for report in reports:
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
        indicators=_indicator_rows(reporting_round, reports, context),
        milestones=_milestone_rows(reporting_round, reports, context),
        first_day=date(reporting_round.plan.first_year, 1, 1),
    )


def _indicator_rows(reporting_round, reports, context: ResultsContext) -> list[IndicatorRow]:
    by_measure = {report.measure_id: report for report in reports}
    rows = []
    for indicator in context.indicators.values():
        report = by_measure[indicator.measure_id]
        value = context.values.get(indicator.id)
        earlier = context.earlier.get(indicator.id)
        previous = ""
        if earlier is not None:
            previous = format_number(earlier.value, indicator.unit)
            previous += f" ({earlier.period})" if earlier.period else ""
        digest = stamps.state_digest(stored_indicator_state(value))
        rows.append(
            IndicatorRow(
                number=report.measure.number,
                measure_title=report.measure.title,
                name=indicator.name,
                unit=indicator.unit,
                previous=previous,
                value=None if value is None or value.carried else value.value,
                period=value.period if value else "",
                comment=value.comment if value else "",
                unchanged=bool(value and value.carried),
                editable=report_is_editable(report),
                stamp=stamps.result_stamp(reporting_round.slug, INDICATOR, indicator.id, digest),
            )
        )
    return sorted(rows, key=lambda row: row.number)


def _milestone_rows(reporting_round, reports, context: ResultsContext) -> list[MilestoneRow]:
    by_measure = {report.measure_id: report for report in reports}
    rows = []
    for milestone in context.milestones.values():
        report = by_measure[milestone.measure_id]
        digest = stamps.state_digest(milestone_state(milestone.done_on))
        rows.append(
            MilestoneRow(
                number=report.measure.number,
                measure_title=report.measure.title,
                title=milestone.title,
                due_on=milestone.due_on,
                done_on=milestone.done_on,
                editable=report_is_editable(report) and milestone_open_to(milestone, report),
                stamp=stamps.result_stamp(reporting_round.slug, MILESTONE, milestone.id, digest),
            )
        )
    return sorted(rows, key=lambda row: row.number)


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
