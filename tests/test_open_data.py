"""The open data files match the database, record for record."""

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.factories import RoundFactory
from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.extensions import db
from tracker.models import Measure, MeasureReport, ReportingRound
from tracker.public.open_data import FIELDS
from tracker.reporting.states import ReviewState, Status


def expected_records(slug: str) -> dict[int, dict]:
    """What the database says each record must hold, read independently of the export code."""
    reporting_round = db.session.scalar(select(ReportingRound).where(ReportingRound.slug == slug))
    reports = {
        report.measure_id: report
        for report in db.session.scalars(
            select(MeasureReport).where(
                MeasureReport.round_id == reporting_round.id,
                MeasureReport.review_state == ReviewState.APPROVED,
            )
        )
    }
    records = {}
    for measure in db.session.scalars(
        select(Measure).options(selectinload(Measure.area), selectinload(Measure.responsibilities))
    ):
        report = reports.get(measure.id)
        records[measure.number] = {
            "round_slug": slug,
            "as_of": reporting_round.as_of.isoformat(),
            "title": measure.title,
            "area_key": measure.area.key,
            "area_name": measure.area.name,
            "ministries": [
                r.unit.abbreviation
                for r in sorted(measure.responsibilities, key=lambda r: r.position)
            ],
            "status": report.status.value if report else "",
            "status_label": report.status.label if report else "",
            "narrative": report.narrative if report else "",
            "narrative_language": report.narrative_language if report else "",
        }
    return records


def assert_matches(records: list[dict], expected: dict[int, dict]) -> None:
    assert [int(record["number"]) for record in records] == sorted(expected)
    for record in records:
        wanted = expected[int(record["number"])]
        for name, value in wanted.items():
            assert record[name] == value, (record["number"], name)


def test_json_holds_every_measure_of_the_latest_round(client, seeded):
    response = client.get(PLAN_ONE + "/data/tiltak.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["round"] == {
        "slug": "midtveis-2025",
        "title": "Midtveisrapport",
        "as_of": "2025-06-01",
    }
    assert document["licence"]["url"] == "https://data.norge.no/nlod/no/2.0"
    assert document["fields"] == list(FIELDS)
    assert_matches(document["measures"], expected_records("midtveis-2025"))
    labels = {record["status_label"] for record in document["measures"]}
    assert labels == {"Gjennomført", "Pågående", "Ikke igangsatt"}


def test_csv_is_utf8_with_a_header_row_and_matches_the_database(client, seeded):
    response = client.get(PLAN_ONE + "/data/tiltak.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="tiltak-midtveis-2025.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(FIELDS)
    records = [row | {"ministries": row["ministries"].split(";")} for row in reader]
    assert_matches(records, expected_records("midtveis-2025"))
    assert "Kultur- og likestillingsdepartementet" not in text.splitlines()[0]
    assert next(r for r in records if r["number"] == "45")["ministries"] == [
        "KUD",
        "AID",
        "BFD",
        "KD",
        "KDD",
    ]


def test_each_published_round_has_its_own_files(client, seeded):
    publish_second_round({1: Status.COMPLETED, 2: Status.NOT_STARTED})
    own = json.loads(client.get(PLAN_ONE + "/data/host-2026/tiltak.json").get_data(as_text=True))
    assert_matches(own["measures"], expected_records("host-2026"))
    assert [r["status"] for r in own["measures"][:3]] == ["completed", "not_started", ""]
    # The latest file is what the public pages show: a measure not reported in the new round
    # keeps its midterm status, with the date it is from.
    latest = json.loads(client.get(PLAN_ONE + "/data/tiltak.json").get_data(as_text=True))
    assert latest["round"]["slug"] == "host-2026"
    midterm_3 = expected_records("midtveis-2025")[3]
    assert [(r["status"], r["status_as_of"]) for r in latest["measures"][:3]] == [
        ("completed", "2026-10-01"),
        ("not_started", "2026-10-01"),
        (midterm_3["status"], "2025-06-01"),
    ]
    midterm = json.loads(
        client.get(PLAN_ONE + "/data/midtveis-2025/tiltak.json").get_data(as_text=True)
    )
    assert_matches(midterm["measures"], expected_records("midtveis-2025"))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(PLAN_ONE + "/data/host-2026/tiltak.csv").data.decode("utf-8"))
        )
    )
    assert rows[0]["status_label"] == "Gjennomført" and rows[0]["round_slug"] == "host-2026"


def test_unpublished_or_unknown_rounds_have_no_files(client, seeded):
    RoundFactory(slug="neste-runde")
    db.session.commit()
    assert client.get(PLAN_ONE + "/data/neste-runde/tiltak.json").status_code == 404
    assert client.get(PLAN_ONE + "/data/neste-runde/tiltak.csv").status_code == 404
    assert client.get(PLAN_ONE + "/data/finnes-ikke/tiltak.csv").status_code == 404
    assert client.get(PLAN_ONE + "/data/tiltak.xml").status_code == 404


def test_open_data_is_the_same_whatever_the_page_language(client, seeded):
    assert (
        client.get(PLAN_ONE + "/data/tiltak.csv?lang=en").data
        == client.get(PLAN_ONE + "/data/tiltak.csv").data
    )
