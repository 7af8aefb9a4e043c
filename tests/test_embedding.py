"""The embeddable status cards: which pages other sites may frame, and the snippet to do it."""

import pytest

from tests.factories import MeasureFactory, ReportFactory, RoundFactory
from tracker.extensions import db
from tracker.reporting.states import ReviewState, Status
from tracker.typography import as_read

PLAN = "/planer/handlingsplan-rasisme-2024-2027"
ALLOWED = "https://www.regjeringen.no https://*.kommune.no"


@pytest.fixture
def app_config():
    return {"EMBED_ALLOWED_ORIGINS": ALLOWED, "PUBLIC_URL": "https://tracker.example.no"}


@pytest.fixture
def measure_7(app):
    reporting_round = RoundFactory(midterm=True)
    ReportFactory(
        round=reporting_round,
        measure=MeasureFactory(number=7, title="Kampanje"),
        status=Status.COMPLETED,
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(part for part in policy.split("; ") if part.startswith("frame-ancestors"))


def test_only_the_cards_name_the_allowed_sites(client, measure_7):
    for path in (PLAN + "/innebygd", PLAN + "/tiltak/7/innebygd", "/tiltak/7/innebygd"):
        response = client.get(path)
        assert response.status_code in (200, 301), path
        assert frame_ancestors(response) == f"frame-ancestors {ALLOWED}", path
        assert "X-Frame-Options" not in response.headers
    for path in (PLAN + "/", PLAN + "/tiltak/7", "/personvern", "/api/v1/plans", "/logg-inn"):
        response = client.get(path)
        assert frame_ancestors(response) == "frame-ancestors 'none'", path
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_cards_show_status_and_link_the_full_page(client, measure_7):
    card = client.get(PLAN + "/tiltak/7/innebygd").get_data(as_text=True)
    assert (
        "Tiltak 7: <span" in as_read(card)
        and "Gjennomført" in as_read(card)
        and "pr. 1. juni 2025" in as_read(card)
    )
    assert f'href="{PLAN}/tiltak/7" target="_top"' in card
    plan_card = client.get(PLAN + "/innebygd?lang=en").get_data(as_text=True)
    assert '<strong>1</strong> <span class="status-label status-completed">Completed</span>' in (
        plan_card
    )
    assert client.get(PLAN + "/tiltak/99/innebygd").status_code == 404


def test_the_measure_page_offers_the_snippet(client, measure_7):
    page = client.get(PLAN + "/tiltak/7").get_data(as_text=True)
    assert (
        "&lt;iframe src=&#34;https://tracker.example.no" + PLAN + "/tiltak/7/innebygd&#34; "
        "title=&#34;Status for tiltak 7&#34;"
    ) in page


def test_without_allowed_sites_no_site_may_frame_a_card_and_no_snippet_is_offered(
    app, client, measure_7
):
    app.config["EMBED_ALLOWED_ORIGINS"] = ()
    response = client.get(PLAN + "/tiltak/7/innebygd")
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "iframe" not in client.get(PLAN + "/tiltak/7").get_data(as_text=True)
