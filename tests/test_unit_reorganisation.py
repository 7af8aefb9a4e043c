"""A ministry reorganisation in the browser: a unit renamed, two merged into one, one split.
The measures follow the new units; reports made before keep the names the units had then, on
the public page and in the report."""

import pytest
from sqlalchemy import select

from tests.factories import (
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
    UnitFactory,
)
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import csrf_token, field_error, fresh, make_user, snapshot
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.models import PlanChange, ResponsibleUnit, Role
from tracker.reporting.states import ReviewState, RoundState

UNITS = "/planarbeid/enheter"


@pytest.fixture
def world(app):
    """Measures 1 (AID, KD), 2 (AID) and 3 (KD) reported in a published round; plan one's
    coordinator signed in separately."""
    plan = PlanFactory()
    area = AreaFactory(plan=plan)
    aid = UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    kd = UnitFactory(abbreviation="KD", name="Kunnskapsdepartementet")
    measures = {
        1: MeasureFactory(area=area, number=1, units=[aid, kd]),
        2: MeasureFactory(area=area, number=2, units=[aid]),
        3: MeasureFactory(area=area, number=3, units=[kd]),
    }
    published = RoundFactory(plan=plan, slug="midtveis", state=RoundState.PUBLISHED)
    for number, measure in measures.items():
        ReportFactory(
            round=published,
            measure=measure,
            review_state=ReviewState.APPROVED,
            narrative=f"Rapport om tiltak {number}.",
        )
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no")
    kd_contact = make_user(Role.CONTACT, kd, email="kontakt@kd.example.no")
    db.session.commit()
    return plan, measures, aid, kd, published, coordinator, kd_contact


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/")})


def public_page(client, number):
    return client.get(f"{PLAN_ONE}/tiltak/{number}").get_data(as_text=True)


def report_units(published, number):
    data = collect_report_data(fresh(published))
    entry = next(e for area in data.areas for e in area.measures if e.number == number)
    return [(ref.abbreviation, ref.name) for ref in entry.ministries], data


def test_a_renamed_unit_keeps_its_old_name_on_reports_made_before(client, login, world):
    plan, measures, aid, _kd, published, coordinator, _contact = world
    login(coordinator)
    assert "Arbeids- og inkluderingsdepartementet" in client.get(UNITS).get_data(as_text=True)
    assert client.get(f"{UNITS}/AID").status_code == 200
    response = post(
        client,
        f"{UNITS}/AID/nytt-navn",
        {"abbreviation": "ADD", "name": "Arbeids- og digitaliseringsdepartementet"},
    )
    assert response.status_code == 302
    assert (fresh(aid).abbreviation, fresh(aid).name) == (
        "ADD",
        "Arbeids- og digitaliseringsdepartementet",
    )
    page = public_page(client, 2)
    assert "Arbeids- og digitaliseringsdepartementet" in page  # responsible now
    assert "Ansvarlig da:" in page
    assert "Arbeids- og inkluderingsdepartementet</span> (AID)" in page  # the report's, then
    units, data = report_units(published, 2)
    assert units == [("AID", "Arbeids- og inkluderingsdepartementet")]
    assert ("AID", "Arbeids- og inkluderingsdepartementet") in {
        (ref.abbreviation, ref.name) for ref in data.ministries
    }
    moved = client.get(f"{PLAN_ONE}/enheter/AID")  # links made before keep working
    assert moved.status_code == 301
    assert moved.location.endswith(f"{PLAN_ONE}/enheter/ADD")
    change = db.session.scalars(select(PlanChange)).one()
    assert (change.action, change.plan_id) == ("unit_renamed", plan.id)
    assert change.details["abbreviation"] == {"old": "AID", "new": "ADD"}


def test_merging_two_units_moves_their_measures_and_contacts(client, login, world):
    _plan, measures, aid, kd, published, coordinator, kd_contact = world
    login(coordinator)
    response = post(client, f"{UNITS}/KD/slaa-sammen", {"into": "AID"})
    assert response.status_code == 302
    assert [u.abbreviation for u in fresh(measures[1]).units] == ["AID"]
    assert [u.abbreviation for u in fresh(measures[3]).units] == ["AID"]
    assert fresh(kd).merged_into_id == aid.id
    assert fresh(kd_contact).unit_id == aid.id  # reports for the merged unit now
    assert report_units(published, 3)[0] == [("KD", "Kunnskapsdepartementet")]
    assert "Kunnskapsdepartementet</span> (KD)" in public_page(client, 3)
    moved = client.get(f"{PLAN_ONE}/enheter/KD")
    assert moved.status_code == 301
    assert moved.location.endswith(f"{PLAN_ONE}/enheter/AID")


def test_splitting_a_unit_gives_the_chosen_measures_to_the_new_one(client, login, world):
    _plan, measures, aid, _kd, published, coordinator, _contact = world
    login(coordinator)
    response = post(
        client,
        f"{UNITS}/AID/del",
        {
            "abbreviation": "DFD",
            "name": "Digitaliserings- og forvaltningsdepartementet",
            "kind": "departement",
            "measures": [str(measures[2].id)],
        },
    )
    assert response.status_code == 302
    assert [u.abbreviation for u in fresh(measures[2]).units] == ["DFD"]
    assert [u.abbreviation for u in fresh(measures[1]).units] == ["AID", "KD"]
    assert report_units(published, 2)[0] == [("AID", "Arbeids- og inkluderingsdepartementet")]
    assert "Digitaliserings- og forvaltningsdepartementet" in public_page(client, 2)


def test_a_taken_abbreviation_is_refused_and_nothing_changes(client, login, world):
    *_rest, coordinator, _contact = world
    login(coordinator)
    before = snapshot()
    response = post(client, f"{UNITS}/AID/nytt-navn", {"abbreviation": "KD", "name": "Ny"})
    assert response.status_code == 400
    assert "Forkortelsen «KD» er allerede brukt av Kunnskapsdepartementet" in field_error(
        response.get_data(as_text=True), "abbreviation"
    )
    assert snapshot() == before


def test_a_unit_shared_with_a_plan_one_does_not_coordinate_cannot_be_reorganised(
    client, login, world
):
    _plan, _measures, aid, *_rest = world
    other = PlanFactory(slug="oslo-mot-rasisme")
    MeasureFactory(area=AreaFactory(plan=other), number=1, units=[aid])
    oslo = make_user(Role.COORDINATOR, plans=[other], email="oslo@example.no")
    login(oslo)
    before = snapshot()
    assert client.get(f"{UNITS}/AID").status_code == 403
    response = post(client, f"{UNITS}/AID/nytt-navn", {"abbreviation": "AID", "name": "Nytt"})
    assert response.status_code == 403
    assert snapshot() == before
    assert db.session.scalar(select(ResponsibleUnit.name).where(ResponsibleUnit.id == aid.id))
