"""The coordinator adds milestones, indicators and budget lines to a measure of a plan they
coordinate, and reviews a report with its indicator values (against the last round's) and
evidence beside the narrative."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import (
    EvidenceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    RoundFactory,
)
from tests.support.workflow import build_world, csrf_token, field_error
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState
from tracker.results.models import BudgetLine, Direction, Indicator, Milestone


@pytest.fixture
def world(app):
    return build_world(review_state=ReviewState.SUBMITTED, two_plans=True)


def page_url(world, plan=None) -> str:
    plan = plan or world.report.measure.plan
    return f"/koordinator/planer/{plan.slug}/tiltak/7/resultater"


def post(client, url, form, fields):
    data = {"csrf_token": csrf_token(client, url), "form": form}
    data.update({f"{form}-{name}": value for name, value in fields.items()})
    return client.post(url, data=data)


def test_coordinator_adds_a_milestone_an_indicator_and_a_budget_line(client, login, world):
    login(world.coordinator)
    url = page_url(world)
    assert (
        post(client, url, "milestone", {"title": "Veileder", "due_on": "01.03.2026"}).status_code
        == 302
    )
    response = post(
        client,
        url,
        "indicator",
        {
            "name": "Andel ansatte med innvandrerbakgrunn",
            "unit": "prosent",
            "direction": "higher",
            "baseline_value": "12,5",
            "baseline_year": "2023",
            "target_value": "15 %",
            "target_year": "2027",
            "source": "SSB",
        },
    )
    assert response.status_code == 302
    assert (
        post(
            client, url, "budget", {"year": "2025", "allocated": "1 500 000", "spent": "900 000 kr"}
        ).status_code
        == 302
    )
    milestone = db.session.scalars(select(Milestone)).one()
    assert (milestone.title, milestone.due_on) == ("Veileder", date(2026, 3, 1))
    indicator = db.session.scalars(select(Indicator)).one()
    assert (indicator.baseline_value, indicator.target_value, indicator.direction) == (
        12.5,
        15.0,
        Direction.HIGHER,
    )
    line = db.session.scalars(select(BudgetLine)).one()
    assert (line.year, line.allocated, line.spent) == (2025, 1_500_000, 900_000)
    page = client.get(url).get_data(as_text=True)
    assert "Veileder" in page and "Andel ansatte" in page and "1\u00a0500\u00a0000" in page


def test_bad_input_on_the_coordinators_forms_is_refused_at_the_field(client, login, world):
    login(world.coordinator)
    url = page_url(world)
    response = post(client, url, "milestone", {"title": "Veileder", "due_on": "01.03.2020"})
    assert response.status_code == 400
    assert "før planperioden" in field_error(response.get_data(as_text=True), "milestone-due_on")
    response = post(client, url, "indicator", {"name": "X", "target_value": "mange"})
    assert response.status_code == 400
    assert "ikke et tall" in field_error(response.get_data(as_text=True), "indicator-target_value")
    assert db.session.scalars(select(Milestone)).first() is None
    assert db.session.scalars(select(Indicator)).first() is None


def test_a_coordinator_of_another_plan_and_a_contact_are_refused(client, login, world):
    login(world.coordinator_b)
    assert client.get(page_url(world)).status_code == 403
    assert client.get(page_url(world, world.plan_b)).status_code == 200


def test_review_shows_values_against_the_last_round_and_the_evidence(client, login, world):
    measure = world.report.measure
    indicator = IndicatorFactory(measure=measure, name="Kommuner med plan")
    earlier = RoundFactory(slug="var-2025", as_of=date(2025, 6, 1), state=RoundState.PUBLISHED)
    IndicatorValueFactory(
        indicator=indicator, report__round=earlier, report__measure=measure, value=30
    )
    IndicatorValueFactory(indicator=indicator, report=world.report, value=42, comment="KS-tall")
    EvidenceFactory(report=world.report, title="Referat fra styremøte")
    MilestoneFactory(
        measure=measure, title="Veileder sendt", done_on=date(2026, 3, 1), done_report=world.report
    )
    db.session.commit()
    login(world.coordinator)
    page = client.get(world.report_url).get_data(as_text=True)
    section = page[page.index('id="round-results"') :]
    assert "Veileder sendt" in section
    assert "Kommuner med plan" in section and "30" in section and "42" in section
    assert "Endret" in section and "KS-tall" in section
    assert "Referat fra styremøte" in section


def test_coordinator_removes_a_mistake_but_not_what_was_reported(client, login, world):
    measure = world.report.measure
    typo = MilestoneFactory(measure=measure, title="Velieder")
    reached = MilestoneFactory(
        measure=measure, title="Kartlegging", done_on=date(2026, 1, 5), done_report=world.report
    )
    reported = IndicatorValueFactory(report=world.report).indicator
    db.session.commit()
    login(world.coordinator)
    url = page_url(world) + "/fjern"
    token = csrf_token(client, page_url(world))
    assert (
        client.post(url, data={"csrf_token": token, "kind": "milestone", "id": typo.id}).status_code
        == 302
    )
    response = client.post(
        url,
        data={"csrf_token": token, "kind": "milestone", "id": reached.id},
        follow_redirects=True,
    )
    assert "er rapportert nådd og kan ikke fjernes" in response.get_data(as_text=True)
    response = client.post(
        url,
        data={"csrf_token": token, "kind": "indicator", "id": reported.id},
        follow_redirects=True,
    )
    assert "har rapporterte verdier og kan ikke fjernes" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [m.title for m in db.session.scalars(select(Milestone))] == ["Kartlegging"]
    assert db.session.scalars(select(Indicator)).one().id == reported.id
