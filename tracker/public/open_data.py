"""The open data: one flat record per measure for a published round, as JSON and as CSV.

The field values are the stored data and the Norwegian labels, whatever the page language,
so a file downloaded from the English page is the same file.
"""

import csv
import io
import json

from flask_babel import lazy_gettext

from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound

LICENCE_NAME = "Norsk lisens for offentlige data (NLOD) 2.0"
LICENCE_URL = "https://data.norge.no/nlod/no/2.0"
# Multiple ministries in one CSV cell, lead first.
CSV_LIST_SEPARATOR = ";"
# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...) can send
# what the reader types elsewhere). OWASP's advice: prefix such a cell with a single quote,
# which spreadsheets show as text; JSON keeps the text as it is.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

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
        "measures": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FIELDS), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        cells = row | {"ministries": CSV_LIST_SEPARATOR.join(row["ministries"])}
        writer.writerow({name: spreadsheet_safe(value) for name, value in cells.items()})
    return buffer.getvalue()


def spreadsheet_safe(value):
    """The cell as text a spreadsheet will not run: a leading formula character gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
