"""The report's results part: under each measure, the milestones reached in the period and its
indicators (baseline, latest value, target, and how far it has come); at the end, an appendix
of the indicators per area and the budget totals per area. No Flask in here, like
docx_report.py, which calls these three functions and nothing else of the results."""

from docx.shared import Cm

from tracker.export.docx_document import AREA_FILL, REPORT_LABEL, ReportDocument
from tracker.export.report_language import _, report_date
from tracker.export.results_data import IndicatorLine, ResultsData
from tracker.results.numbers import format_number
from tracker.text import N_

RESULTS_LABEL = N_("Resultater")
APPENDIX_HEADING = N_("Vedlegg: Indikatorer og budsjett per område")
# In a final report the results come first, as a part of their own.
FINAL_HEADING = N_("Resultater: indikatorer og budsjett per område")


def results_heading(data) -> str:
    return _(FINAL_HEADING) if getattr(data, "final", False) else _(APPENDIX_HEADING)


INDICATORS_HEADING = N_("Indikatorer per område")
BUDGET_HEADING = N_("Budsjett per område")


def results_toc_entries(data) -> list[tuple[int, str]]:
    """The appendix's headings for the table of contents (none when there is nothing)."""
    results: ResultsData | None = data.results
    if results is None or not (results.any_indicators or results.budgets):
        return []
    entries = [(1, results_heading(data))]
    if results.any_indicators:
        entries.append((2, _(INDICATORS_HEADING)))
    if results.budgets:
        entries.append((2, _(BUDGET_HEADING)))
    return entries


def measure_results(document: ReportDocument, data, number: int) -> None:
    """The measure's results, after its status text; nothing when it has none."""
    results: ResultsData | None = data.results
    if results is None:
        return
    measure = results.of(number)
    if not measure.any:
        return
    document.paragraph(_(RESULTS_LABEL), REPORT_LABEL)
    if measure.reached:
        if results.period_start is None:
            document.paragraph(_("Delmål nådd:"))
        else:
            document.paragraph(
                _("Delmål nådd siden %(date)s:") % {"date": report_date(results.period_start)}
            )
        table = document.table([Cm(12.0), Cm(4.0)])
        document.row(table, [_("Delmål"), _("Nådd")], header=True)
        for milestone in measure.reached:
            document.row(table, [milestone.title, report_date(milestone.done_on)])
    if measure.indicators:
        table = document.table([Cm(6.4), Cm(3.2), Cm(3.2), Cm(3.2)])
        document.row(
            table,
            [_("Indikator"), _("Utgangsverdi"), _("Siste verdi"), _("Mål")],
            header=True,
            align_right_from=1,
        )
        for line in measure.indicators:
            document.row(table, _indicator_cells(line), align_right_from=1)
        for line in measure.indicators:
            if line.progress:
                document.labelled(line.name, line.progress)


def _indicator_cells(line: IndicatorLine) -> list[str]:
    return [
        line.name + (f" ({line.unit})" if line.unit else ""),
        _with_year(line.baseline, line.unit, line.baseline_year),
        _with_year(line.latest, line.unit, None, line.latest_period)
        if line.latest is not None
        else _("Ikke rapportert"),
        _with_year(line.target, line.unit, line.target_year),
    ]


def _with_year(value, unit: str, year: int | None, period: str = "") -> str:
    if value is None:
        return "–"
    when = period or (str(year) if year else "")
    return format_number(value, unit) + (f" ({when})" if when else "")


def results_appendix(document: ReportDocument, data) -> None:
    """Every measure's indicators by area, and the budget totals per area."""
    results: ResultsData | None = data.results
    if not results_toc_entries(data) or results is None:
        return
    document.heading(results_heading(data), 1, new_page=True)
    if results.any_indicators:
        document.heading(_(INDICATORS_HEADING), 2)
        table = document.table([Cm(1.1), Cm(5.3), Cm(3.2), Cm(3.2), Cm(3.2)])
        document.row(
            table,
            [_("Nr."), _("Indikator"), _("Utgangsverdi"), _("Siste verdi"), _("Mål")],
            header=True,
            align_right_from=2,
        )
        for area in data.areas:
            lines = [
                (measure.number, line)
                for measure in area.measures
                for line in results.of(measure.number).indicators
            ]
            if not lines:
                continue
            document.spanning_row(table, area.name, AREA_FILL)
            for number, line in lines:
                document.row(table, [str(number), *_indicator_cells(line)], align_right_from=2)
    if results.budgets:
        document.heading(_(BUDGET_HEADING), 2)
        document.paragraph(
            _("Bevilget og brukt til og med %(year)d, i kroner.") % {"year": data.as_of.year}
        )
        table = document.table([Cm(8.0), Cm(4.0), Cm(4.0)])
        document.row(table, [_("Område"), _("Bevilget"), _("Brukt")], header=True)
        for budget in results.budgets:
            document.row(
                table,
                [budget.name, format_number(budget.allocated), format_number(budget.spent)],
                align_right_from=1,
            )
        document.row(
            table,
            [
                _("Totalt"),
                format_number(sum(b.allocated for b in results.budgets)),
                format_number(sum(b.spent for b in results.budgets)),
            ],
            bold=True,
            align_right_from=1,
        )
