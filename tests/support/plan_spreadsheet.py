"""A filled-in copy of the plan spreadsheet template, for the import tests."""

import io

from openpyxl import load_workbook

from tracker.plan.spreadsheet import template

SLUG = "oslo-mot-rasisme-2025-2028"


def workbook(measures=None, areas=None, units=None, slug=SLUG) -> bytes:
    """The template filled in: two areas, a new unit and AID, three measures by default."""
    book = load_workbook(io.BytesIO(template()))
    book["Plan"]["B2"] = slug
    for name, rows in (
        ("Hovedområder", areas or [("skole", "Skole", "School"), ("arbeid", "Arbeid", "Work")]),
        (
            "Enheter",
            units
            or [
                ("UDE", "Utdanningsetaten", "kommunal_enhet"),
                ("AID", "Arbeids- og inkluderingsdepartementet", "departement"),
            ],
        ),
        (
            "Tiltak",
            measures
            or [
                (1, "skole", "Kurs for lærere", "Alle skoler tilbyr kurs.", "UDE"),
                (2, "arbeid", "Rekruttering", "Flere søkere.", "AID, UDE"),
                (3, "skole", "Leirskole", "For alle.", "UDE"),
            ],
        ),
    ):
        sheet = book[name]
        sheet.delete_rows(2, sheet.max_row)
        for row in rows:
            sheet.append(list(row))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
