"""The open data: one flat record per measure for a published round, as JSON, CSV, Excel's CSV
and XLSX.

The field values are the stored data and the Norwegian labels, whatever the page language,
so a file downloaded from the English page is the same file. Every spreadsheet-facing file
(both CSVs and the XLSX) passes its text cells through ``tracker.spreadsheets.cells.neutralise``.
"""

import csv
import io
import json

from flask_babel import force_locale, lazy_gettext

from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound
from tracker.spreadsheets import workbook as xlsx
from tracker.spreadsheets.cells import neutralise

LICENCE_NAME = "Norsk lisens for offentlige data (NLOD) 2.0"
LICENCE_URL = "https://data.norge.no/nlod/no/2.0"
# Multiple ministries in one CSV or XLSX cell, lead first.
CSV_LIST_SEPARATOR = ";"
# Norwegian Excel opens a CSV by double-click only with its own list separator (the semicolon)
# and reads it as UTF-8 only after a byte-order mark: the second CSV is made for it.
EXCEL_CSV_SEPARATOR = ";"
BYTE_ORDER_MARK = "\ufeff"
# Column widths of the XLSX (characters); the rest get the default.
XLSX_WIDTHS = {
    "title": 40,
    "description": 60,
    "area_name": 24,
    "narrative": 80,
    "summary_se": 60,
    "narrative_se": 80,
}
XLSX_WRAPPED = {"title", "description", "narrative", "summary_se", "narrative_se"}

# Every field, in file order, with what it means (shown on the "Om dataene" page).
FIELDS = {
    "round_slug": lazy_gettext(
        "Rapporteringsrundens kortnavn, brukt i adressen til filene for runden."
    ),
    "round_title": lazy_gettext("Rapporteringsrundens navn."),
    "as_of": lazy_gettext("Datoen statusen gjelder for (ÅÅÅÅ-MM-DD)."),
    "number": lazy_gettext("Tiltakets nummer i handlingsplanen."),
    "title": lazy_gettext("Tiltakets tittel."),
    "description": lazy_gettext("Handlingsplanens beskrivelse av tiltaket."),
    "area_key": lazy_gettext("Nøkkel for hovedområdet, for eksempel «arbeidsliv»."),
    "area_name": lazy_gettext("Hovedområdets navn på bokmål."),
    "ministries": lazy_gettext(
        "Ansvarlige (departementer eller andre enheter) som forkortelser, den med hovedansvar "
        "først. I CSV skilt med semikolon, i JSON en liste."
    ),
    "lead_ministry": lazy_gettext("Forkortelsen for den som har hovedansvaret."),
    "status": lazy_gettext(
        "Statusnøkkel: «completed», «in_progress» eller «not_started»; tom hvis tiltaket ikke har "
        "godkjent status i runden."
    ),
    "status_label": lazy_gettext("Statusen på bokmål: Gjennomført, Pågående eller Ikke igangsatt."),
    "status_as_of": lazy_gettext(
        "Datoen statusen er fra (ÅÅÅÅ-MM-DD). I filen for siste runde kan den være fra en "
        "tidligere runde, når tiltaket ikke ble rapportert i siste runde; tom hvis tiltaket "
        "aldri er rapportert."
    ),
    "narrative": lazy_gettext(
        "Departementets omtale av status. Tom linje skiller avsnitt; linjer som begynner med «- » "
        "er punkter."
    ),
    "narrative_language": lazy_gettext(
        "Språket omtalen er skrevet på: «nb» for bokmål eller «nn» for nynorsk; tom hvis tiltaket "
        "ikke har godkjent status i runden."
    ),
    "summary_se": lazy_gettext("Beskrivelsen av tiltaket på nordsamisk; tom hvis den ikke finnes."),
    "narrative_se": lazy_gettext(
        "Omtalen av status på nordsamisk; tom hvis den ikke finnes eller tiltaket ikke har "
        "godkjent status i runden."
    ),
}


def records(
    reporting_round: ReportingRound, measures: list[Measure], reports: dict[int, MeasureReport]
) -> list[dict]:
    """One record per measure, in the order of FIELDS."""
    rows = []
    for measure in measures:
        report = reports.get(measure.id)
        abbreviations = [unit.abbreviation for unit in measure.units]
        rows.append(
            {
                "round_slug": reporting_round.slug,
                "round_title": reporting_round.title,
                "as_of": reporting_round.as_of.isoformat(),
                "number": measure.number,
                "title": measure.title,
                "description": measure.description,
                "area_key": measure.area.key,
                "area_name": measure.area.name,
                "ministries": abbreviations,
                "lead_ministry": abbreviations[0] if abbreviations else "",
                "status": report.status.value if report else "",
                "status_label": report.status.label if report else "",
                "status_as_of": report.round.as_of.isoformat() if report else "",
                "narrative": report.narrative if report else "",
                "narrative_language": report.narrative_language if report else "",
                "summary_se": measure.summary_se,
                "narrative_se": report.narrative_se if report else "",
            }
        )
    return rows


def to_json(plan: Plan, reporting_round: ReportingRound, rows: list[dict]) -> str:
    document = {
        "plan": {"slug": plan.slug, "title": plan.title, "period": plan.period},
        "round": {
            "slug": reporting_round.slug,
            "title": reporting_round.title,
            "as_of": reporting_round.as_of.isoformat(),
        },
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "fields": list(FIELDS),
        # How many measures have a text in Northern Sámi (a summary, a status or both).
        "measures_with_sami_text": sum(
            1 for row in rows if row["summary_se"] or row["narrative_se"]
        ),
        "measures": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def to_csv(rows: list[dict]) -> str:
    """RFC 4180: UTF-8 without a byte-order mark, comma-separated (for programs)."""
    return _csv(rows, delimiter=",")


def to_excel_csv(rows: list[dict]) -> str:
    """The same records for Norwegian Excel: a byte-order mark, semicolon-separated."""
    return BYTE_ORDER_MARK + _csv(rows, delimiter=EXCEL_CSV_SEPARATOR)


def _csv(rows: list[dict], delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(FIELDS), delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({name: neutralise(value) for name, value in _flat(row).items()})
    return buffer.getvalue()


def to_xlsx(plan: Plan, reporting_round: ReportingRound, rows: list[dict]) -> bytes:
    """One sheet of records (the CSV's columns), one describing the fields and the licence."""
    book = xlsx.new_workbook()
    columns = [
        xlsx.Column(name, XLSX_WIDTHS.get(name, 14), wrap=name in XLSX_WRAPPED) for name in FIELDS
    ]
    xlsx.add_table(book, "tiltak", columns, ([_flat(row)[n] for n in FIELDS] for row in rows))
    about = [
        ("plan", plan.title),
        ("round", reporting_round.title),
        ("licence", f"{LICENCE_NAME} ({LICENCE_URL})"),
    ]
    with force_locale("nb"):  # the file is the same whatever the page language
        about += [(name, str(description)) for name, description in FIELDS.items()]
    xlsx.add_table(
        book,
        "felt",
        [xlsx.Column("field", 20), xlsx.Column("description", 100, wrap=True)],
        about,
    )
    return xlsx.to_bytes(book)


def _flat(row: dict) -> dict:
    return row | {"ministries": CSV_LIST_SEPARATOR.join(row["ministries"])}
