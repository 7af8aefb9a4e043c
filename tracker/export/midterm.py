"""The one export function the download button and the CLI both call (CTFd's pattern)."""

import logging
from dataclasses import dataclass

from tracker.export.chart import ChartUnavailable, render_png, status_figure
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.reporting.models import ReportingRound

log = logging.getLogger(__name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class ExportedReport:
    content: bytes
    filename: str
    chart_included: bool


def export_midterm_report(
    reporting_round: ReportingRound,
    *,
    draft: bool = False,
    include_changes: bool = False,
    with_chart: bool = True,
) -> ExportedReport:
    data = collect_report_data(reporting_round, draft=draft, include_changes=include_changes)
    chart_png = None
    if with_chart:
        try:
            chart_png = render_png(status_figure(data.summary))
        except ChartUnavailable as error:
            # The table holds the same numbers, so the report is complete without its picture.
            log.warning("Report %s built without its chart: %s", reporting_round.slug, error)
    suffix = "-utkast" if draft else ""
    return ExportedReport(
        content=build_midterm_report(data, chart_png=chart_png),
        filename=f"{reporting_round.slug}{suffix}.docx",
        chart_included=chart_png is not None,
    )
