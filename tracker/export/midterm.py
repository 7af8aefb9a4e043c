"""The one export function the download page, the background job and the CLI all call.

Collecting the data is quick and needs the database; building the files is slow and needs none,
so ``collect`` and ``build`` are apart: the page collects in the request and builds in a thread.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from tracker.export import office
from tracker.export.chart import ChartUnavailable, render_png, status_figure
from tracker.export.docx_report import fill_toc_pages, midterm_report_document
from tracker.export.pdf_finish import finish_pdf
from tracker.export.report_data import ReportData, collect_report_data
from tracker.export.report_language import building_in, language_tag
from tracker.reporting.models import ReportingRound
from tracker.text import N_
from tracker.user_errors import UserError

log = logging.getLogger(__name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIMETYPE = "application/pdf"


@dataclass(frozen=True)
class ExportedReport:
    content: bytes  # the DOCX
    filename: str  # the DOCX's; the PDF's is the same with .pdf
    chart_included: bool
    pdf: bytes | None = None
    pdf_missing_reason: str | None = None  # in Norwegian, for the page and the command line

    @property
    def pdf_filename(self) -> str:
        return self.filename.removesuffix(".docx") + ".pdf"


class IntroductionMissing(UserError):
    """A final report of a round whose introduction nobody has written yet."""

    status = 409


INTRODUCTION_MISSING = N_(
    "Den endelige rapporten ble ikke laget: runden «%(round)s» har ingen innledning ennå. "
    "Skriv innledningen på rapportsiden, eller lag et utkast."
)


# The kinds of report: the usual status report, or the final report that leads with results.
STATUS_REPORT = "statusrapport"
FINAL_REPORT = "sluttrapport"
REPORT_KINDS = (STATUS_REPORT, FINAL_REPORT)


def introduction_missing(reporting_round: ReportingRound, *, draft: bool) -> bool:
    """A final report needs the round's introduction, written by the coordinator; a draft
    does not (it says the introduction is missing)."""
    return not draft and not (reporting_round.intro or "").strip()


def collect(
    reporting_round: ReportingRound,
    *,
    draft: bool = False,
    include_changes: bool = False,
    language: str = "nb",
) -> ReportData:
    """The report's data; a final report refuses a round without an introduction."""
    if introduction_missing(reporting_round, draft=draft):
        raise IntroductionMissing(INTRODUCTION_MISSING % {"round": reporting_round.title})
    return collect_report_data(
        reporting_round, draft=draft, include_changes=include_changes, language=language
    )


def build(
    data: ReportData,
    *,
    with_chart: bool = True,
    with_pdf: bool = True,
    progress: Callable[[str], None] = lambda message: None,
    scratch: str | None = None,
) -> ExportedReport:
    """Chart, DOCX and (with LibreOffice) the page numbers and the tagged PDF. No database.
    The frame is written in ``data.language`` (bokmål or nynorsk). ``scratch``: the folder
    LibreOffice works in (REPORT_JOBS_DIR for the report page's builds)."""
    with building_in(data.language):
        return _build(
            data, with_chart=with_chart, with_pdf=with_pdf, progress=progress, scratch=scratch
        )


def _build(
    data: ReportData, *, with_chart: bool, with_pdf: bool, progress, scratch: str | None
) -> ExportedReport:
    chart_png = None
    if with_chart:
        progress(N_("Lager diagrammet …"))
        try:
            chart_png = render_png(status_figure(data.summary))
        except ChartUnavailable as error:
            # The table holds the same numbers, so the report is complete without its picture.
            log.warning("Report %s built without its chart: %s", data.round_slug, error)
    progress(N_("Lager Word-dokumentet …"))
    document = midterm_report_document(data, chart_png=chart_png)
    pdf, reason = None, None
    if with_pdf:
        progress(N_("Fyller inn sidetall og lager PDF …"))
        try:
            rendered = office.render_pdf(
                document.to_bytes(page_count=office.PAGE_COUNT_MARK, for_layout=True), scratch
            )
        except office.OfficeUnavailable as error:
            reason = error.message
            log.warning("Report %s without PDF: %s", data.round_slug, reason)
        else:
            # PDF/A-2b and PDF/UA from LibreOffice, finished where 7.4 falls short.
            pdf = finish_pdf(rendered.pdf, language=language_tag(), issued=data.generated_on)
            # The DOCX gets the page numbers LibreOffice laid out for the PDF: filled into the
            # document built above, not built again.
            fill_toc_pages(document, rendered.toc)
    docx = document.to_bytes()
    suffix = (
        ("-sluttrapport" if data.final else "")
        + ("-utkast" if data.draft else "")
        + ("-nynorsk" if data.language == "nn" else "")
    )
    return ExportedReport(
        content=docx,
        filename=f"{data.round_slug}{suffix}.docx",
        chart_included=chart_png is not None,
        pdf=pdf,
        pdf_missing_reason=reason,
    )


def export_midterm_report(
    reporting_round: ReportingRound,
    *,
    draft: bool = False,
    include_changes: bool = False,
    with_chart: bool = True,
    with_pdf: bool = True,
    language: str = "nb",
    kind: str = STATUS_REPORT,
) -> ExportedReport:
    data = collect(reporting_round, draft=draft, include_changes=include_changes, language=language)
    if kind == FINAL_REPORT:
        data = replace(data, final=True)
    return build(data, with_chart=with_chart, with_pdf=with_pdf)
