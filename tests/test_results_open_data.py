"""Open data carries the results as published: milestones, indicators with every published
value, evidence links (absolute, from PUBLIC_URL) in the JSON files; a tidy indikatorer.csv."""

import csv
import io
import json
from datetime import date

import pytest

from tests.factories import (
    EvidenceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MilestoneFactory,
    ReportFactory,
    RoundFactory,
)
from tests.support.public_helpers import PLAN_ONE
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://tiltak.example.no"}


@pytest.fixture
def two_rounds(app):
    measure = MeasureFactory(number=1, title="Tiltak med resultater")
    rounds, reports = [], []
    for slug, as_of in (("var-2025", date(2025, 6, 1)), ("var-2026", date(2026, 6, 1))):
        reporting_round = RoundFactory(slug=slug, as_of=as_of, state=RoundState.PUBLISHED)
        rounds.append(reporting_round)
        reports.append(
            ReportFactory(measure=measure, round=reporting_round, review_state=ReviewState.APPROVED)
        )
    indicator = IndicatorFactory(measure=measure, name="Kommuner med plan", unit="antall")
    IndicatorValueFactory(indicator=indicator, report=reports[0], value=30, period="2024")
    IndicatorValueFactory(
        indicator=indicator, report=reports[1], value=30, period="2025", carried=True
    )
    MilestoneFactory(
        measure=measure, title="Veileder", due_on=date(2025, 3, 1), done_on=date(2025, 2, 1)
    )
    evidence = EvidenceFactory(report=reports[1], title="Sluttrapport")
    EvidenceFactory(report=reports[1], title="Internt", internal=True)
    db.session.commit()
    return measure, evidence


def test_the_json_carries_milestones_indicator_values_and_evidence_links(client, two_rounds):
    measure, evidence = two_rounds
    data = json.loads(client.get(f"{PLAN_ONE}/data/tiltak.json").data)
    record = next(m for m in data["measures"] if m["number"] == 1)
    assert record["milestones"] == [
        {"title": "Veileder", "due": "2025-03-01", "done": "2025-02-01"}
    ]
    [indicator] = record["indicators"]
    assert [(v["value"], v["period"], v["carried"]) for v in indicator["values"]] == [
        (30.0, "2024", False),
        (30.0, "2025", True),
    ]
    assert indicator["baseline"] == {"value": 20.0, "year": 2023}
    assert record["evidence"] == [
        {
            "title": "Sluttrapport",
            "url": f"https://tiltak.example.no/vedlegg/{evidence.stored_name}",
            "kind": "application/pdf",
            "round_slug": "var-2026",
        }
    ]
    # A round's own file stops at its date.
    older = json.loads(client.get(f"{PLAN_ONE}/data/var-2025/tiltak.json").data)
    record = next(m for m in older["measures"] if m["number"] == 1)
    assert [v["period"] for v in record["indicators"][0]["values"]] == ["2024"]
    assert record["evidence"] == []


def test_indicators_csv_has_one_row_per_measure_indicator_and_period(client, two_rounds):
    response = client.get(f"{PLAN_ONE}/data/indikatorer.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [
        (r["measure_number"], r["indicator"], r["period"], r["value"], r["carried"]) for r in rows
    ] == [
        ("1", "Kommuner med plan", "2024", "30", "false"),
        ("1", "Kommuner med plan", "2025", "30", "true"),
    ]
    assert rows[0]["target_value"] == "60" and rows[0]["as_of"] == "2025-06-01"
