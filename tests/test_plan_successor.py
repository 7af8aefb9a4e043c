"""«Lag etterfølgerplan»: a new plan from chosen measures of an old one, each linked to the
measure it carries on, so the public pages read across plans."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import AreaFactory, MeasureFactory, PlanFactory, UnitFactory
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import csrf_token, field_error, make_user, snapshot
from tracker.extensions import db
from tracker.models import Measure, Role
from tracker.plan.queries import get_plan

SUCCESSOR = "/planarbeid/handlingsplan-rasisme-2024-2027/etterfolger"


@pytest.fixture
def old_plan(app):
    plan = PlanFactory()
    area = AreaFactory(plan=plan, key="arbeidsliv", name="Arbeidsliv")
    aid = UnitFactory(abbreviation="AID")
    measures = [
        MeasureFactory(area=area, number=1, title="Avsluttet tiltak", units=[aid]),
        MeasureFactory(area=area, number=2, title="Kartlegging", units=[aid]),
        MeasureFactory(area=area, number=3, title="Opplæring", units=[aid]),
    ]
    measures[0].retired_on = date(2025, 1, 1)
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no")
    db.session.commit()
    return plan, measures, coordinator


def post(client, data):
    return client.post(SUCCESSOR, data={**data, "csrf_token": csrf_token(client, SUCCESSOR)})


def test_a_successor_plan_carries_the_chosen_measures_on_and_links_back(client, login, old_plan):
    plan, (retired, kept, trained), coordinator = old_plan
    login(coordinator)
    form = client.get(SUCCESSOR).get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="measures"[^>]*>', form)
    ticked = {re.search(r'value="(\d+)"', box).group(1) for box in boxes if "checked" in box}
    assert ticked == {str(kept.id), str(trained.id)}  # the retired one is left out by default
    response = post(
        client,
        {
            "title": "Handlingsplan mot rasisme 2028–2031",
            "slug": "handlingsplan-rasisme-2028-2031",
            "first_year": 2028,
            "last_year": 2031,
            "measures": [str(kept.id), str(trained.id)],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    successor = get_plan("handlingsplan-rasisme-2028-2031")
    assert successor.predecessor_id == plan.id
    new = list(
        db.session.scalars(
            select(Measure).where(Measure.plan_id == successor.id).order_by(Measure.number)
        )
    )
    assert [(m.number, m.title, m.continues_measure_id) for m in new] == [
        (1, "Kartlegging", kept.id),
        (2, "Opplæring", trained.id),
    ]
    assert [u.abbreviation for u in new[0].units] == ["AID"]
    new_page = client.get("/planer/handlingsplan-rasisme-2028-2031/tiltak/1").get_data(as_text=True)
    assert f'href="{PLAN_ONE}/tiltak/2"' in new_page
    old_page = client.get(f"{PLAN_ONE}/tiltak/2").get_data(as_text=True)
    assert 'href="/planer/handlingsplan-rasisme-2028-2031/tiltak/1"' in old_page
    assert 'href="/planer/handlingsplan-rasisme-2028-2031/"' in client.get(f"{PLAN_ONE}/").get_data(
        as_text=True
    )
    assert f'href="{PLAN_ONE}/"' in client.get("/planer/handlingsplan-rasisme-2028-2031/").get_data(
        as_text=True
    )
    # The maker coordinates it and can edit it at once.
    assert client.get("/planarbeid/handlingsplan-rasisme-2028-2031/").status_code == 200


def test_a_slug_in_use_is_refused_and_nothing_is_written(client, login, old_plan):
    _plan, (_retired, kept, _trained), coordinator = old_plan
    login(coordinator)
    before = snapshot()
    response = post(
        client,
        {
            "title": "Ny",
            "slug": "handlingsplan-rasisme-2024-2027",
            "first_year": 2028,
            "last_year": 2031,
            "measures": [str(kept.id)],
        },
    )
    assert response.status_code == 400
    assert "Det finnes allerede en plan med kortnavnet" in field_error(
        response.get_data(as_text=True), "slug"
    )
    assert snapshot() == before
