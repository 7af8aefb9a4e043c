"""The read API: every response validates against /api/v1/openapi.json, only published data is
served, and caching and CORS work like the public pages'."""

from datetime import UTC, date, datetime

import pytest
from jsonschema import Draft202012Validator

from tests.factories import AreaFactory, MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState, Status

PLAN = "/api/v1/plans/handlingsplan-rasisme-2024-2027"
DRAFT_TEXT = "Utkast som ikke er publisert"


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://tracker.example.no"}


@pytest.fixture
def published(app):
    """Measure 1 reported in two published rounds; measure 2 only in an open round (a draft)."""
    plan = PlanFactory()
    area = AreaFactory(plan=plan, key="arbeidsliv")
    first, second = (
        RoundFactory(
            plan=plan,
            slug=slug,
            title=title,
            as_of=as_of,
            state=RoundState.PUBLISHED,
            published_at=datetime(as_of.year, as_of.month, 20, tzinfo=UTC),
        )
        for slug, title, as_of in (
            ("midtveis", "Midtveisrapport", date(2025, 6, 1)),
            ("host-2026", "Høst 2026", date(2026, 10, 1)),
        )
    )
    open_round = RoundFactory(plan=plan, slug="var-2027", state=RoundState.OPEN)
    one = MeasureFactory(area=area, number=1, title="Kampanje")
    two = MeasureFactory(area=area, number=2, title="Kurs")
    for reporting_round, status, text in (
        (first, Status.IN_PROGRESS, "Startet."),
        (second, Status.COMPLETED, "Ferdig."),
    ):
        ReportFactory(
            round=reporting_round,
            measure=one,
            status=status,
            narrative=text,
            review_state=ReviewState.APPROVED,
        )
    ReportFactory(round=open_round, measure=one, narrative=DRAFT_TEXT)
    ReportFactory(
        round=open_round, measure=two, narrative=DRAFT_TEXT, review_state=ReviewState.SUBMITTED
    )
    db.session.commit()
    return plan


def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def response_validator(document: dict, path: str, status: int) -> Draft202012Validator:
    pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    pointer += f"/get/responses/{status}/content/application~1json/schema"
    return Draft202012Validator(
        {**document, "$ref": "#" + pointer}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# Each documented path, with the values that fill it in.
EXAMPLES = {
    "/plans": [("/plans", 200)],
    "/plans/{plan_slug}": [("/plans/handlingsplan-rasisme-2024-2027", 200), ("/plans/nei", 404)],
    "/plans/{plan_slug}/areas": [("/plans/handlingsplan-rasisme-2024-2027/areas", 200)],
    "/plans/{plan_slug}/units": [("/plans/handlingsplan-rasisme-2024-2027/units", 200)],
    "/plans/{plan_slug}/rounds": [("/plans/handlingsplan-rasisme-2024-2027/rounds", 200)],
    "/plans/{plan_slug}/measures": [
        ("/plans/handlingsplan-rasisme-2024-2027/measures", 200),
        ("/plans/nei/measures", 404),
    ],
    "/plans/{plan_slug}/measures/{number}": [
        ("/plans/handlingsplan-rasisme-2024-2027/measures/1", 200),
        ("/plans/handlingsplan-rasisme-2024-2027/measures/2", 200),
        ("/plans/handlingsplan-rasisme-2024-2027/measures/99", 404),
    ],
    "/openapi.json": [("/openapi.json", 200)],
}


def test_every_response_validates_against_the_openapi_document(client, published):
    document = openapi(client)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "https://tracker.example.no/api/v1"}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert set(EXAMPLES) == set(document["paths"])  # every documented path is exercised
    for path, examples in EXAMPLES.items():
        for url, status in examples:
            response = client.get("/api/v1" + url)
            assert response.status_code == status, url
            assert response.content_type == "application/json"
            response_validator(document, path, status).validate(response.get_json())


def test_every_api_route_is_documented(app, client):
    documented = set(openapi(client)["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1")
        .replace("<plan_slug>", "{plan_slug}")
        .replace("<int:number>", "{number}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and "GET" in rule.methods
    }
    assert routes == documented


def test_measures_carry_their_current_published_status_and_history_only(client, published):
    measures = client.get(PLAN + "/measures").get_json()["measures"]
    assert [measure["number"] for measure in measures] == [1, 2]
    assert measures[0]["current_status"] == {
        "status": "completed",
        "status_label": "Gjennomført",
        "as_of": "2026-10-01",
        "round": "host-2026",
        "narrative": "Ferdig.",
        "narrative_language": "nb",
        "narrative_se": None,  # no text in Northern Sámi
    }
    assert measures[1]["current_status"] is None  # only a draft exists
    detail = client.get(PLAN + "/measures/1").get_json()
    assert [entry["round"] for entry in detail["history"]] == ["host-2026", "midtveis"]
    rounds = client.get(PLAN + "/rounds").get_json()["rounds"]
    assert [item["slug"] for item in rounds] == ["host-2026", "midtveis"]  # not the open one
    for url in (PLAN + "/measures", PLAN + "/measures/1", PLAN + "/measures/2", PLAN):
        assert DRAFT_TEXT not in client.get(url).get_data(as_text=True)
        assert "var-2027" not in client.get(url).get_data(as_text=True)


def test_responses_are_cached_like_the_pages_and_readable_from_any_origin(client, published):
    first = client.get(PLAN + "/measures", headers={"Origin": "https://www.regjeringen.no"})
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(PLAN + "/measures", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    preflight = client.open(
        PLAN + "/measures",
        method="OPTIONS",
        headers={
            "Origin": "https://www.regjeringen.no",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.post(PLAN + "/measures").status_code == 405  # reading only


def test_a_new_publication_changes_the_answer(client, published):
    before = client.get(PLAN + "/measures/2")
    assert before.get_json()["current_status"] is None
    report = db.session.scalars(
        db.select(ReportFactory._meta.model).where(
            ReportFactory._meta.model.review_state == ReviewState.SUBMITTED
        )
    ).one()
    report.review_state = ReviewState.APPROVED
    report.round.state = RoundState.PUBLISHED
    report.round.published_at = datetime(2027, 3, 1, tzinfo=UTC)
    db.session.commit()
    after = client.get(PLAN + "/measures/2", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["current_status"]["narrative"] == DRAFT_TEXT


def test_the_open_data_page_links_the_api_description(client, published):
    page = client.get("/planer/handlingsplan-rasisme-2024-2027/om-dataene").get_data(as_text=True)
    assert 'href="/api/v1/openapi.json"' in page
