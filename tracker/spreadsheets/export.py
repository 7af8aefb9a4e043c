"""The coordinator's export: every report of one round, or of every round of a plan, as XLSX,
one row per measure and responsible unit. A pure function of the reports (no Flask request):
streamed by openpyxl's write-only mode, so memory stays flat at 5,000 measures."""

from datetime import UTC

from flask_babel import gettext as _

from tracker.i18n import TIMEZONE
from tracker.reporting.models import MeasureReport
from tracker.spreadsheets import workbook as xlsx


def build_reports_export(reports: list[MeasureReport]) -> bytes:
    columns = [
        xlsx.Column(_("Runde"), 18),
        xlsx.Column(_("Nr."), 6),
        xlsx.Column(_("Tiltak"), 40, wrap=True),
        xlsx.Column(_("Enhet"), 10),
        xlsx.Column(_("Ansvar"), 14),
        xlsx.Column(_("Status"), 16),
        xlsx.Column(_("Behandling"), 20),
        xlsx.Column(_("Sist endret av"), 24),
        xlsx.Column(_("Sist endret"), 18),
        xlsx.Column(_("Språk"), 8),
        xlsx.Column(_("Statusbeskrivelse"), 90, wrap=True),
    ]
    lead, co = _("Hovedansvar"), _("Medansvar")
    labels: dict = {}

    def label(state) -> str:
        if state not in labels:
            labels[state] = _(state.label)
        return labels[state]

    def rows():
        for report in reports:
            editor = report.updated_by
            who = (editor.name or editor.email) if editor is not None else ""
            # SQLite hands back stored UTC times without their offset.
            stamp = report.updated_at
            aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            when = aware.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")
            for responsibility in report.measure.responsibilities:
                yield (
                    report.round.slug,
                    report.measure.number,
                    report.measure.title,
                    responsibility.unit.abbreviation,
                    lead if responsibility.position == 0 else co,
                    label(report.status),
                    label(report.review_state),
                    who,
                    when,
                    report.narrative_language,
                    report.narrative,
                )

    book = xlsx.new_workbook()
    xlsx.add_table(book, _("Rapporter"), columns, rows())
    return xlsx.to_bytes(book)
