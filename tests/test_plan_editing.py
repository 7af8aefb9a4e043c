"""A coordinator edits their plan in the browser: measures added, edited, moved, given other
units and retired; areas added and renamed. Every change is versioned and audited, the public
pages show it at once, and two coordinators never silently overwrite each other."""

import re
from datetime import date

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
from tests.support.workflow import audit_events, csrf_token, field_error, fresh, make_user, snapshot
from tracker.extensions import db
from tracker.models import Measure, PlanChange, Role
from tracker.reporting.states import ReviewState, RoundState
from tracker.typography import as_read

EDIT = "/planarbeid/handlingsplan-rasisme-2024-2027"


@pytest.fixture
def plan(app):
    """Plan one with two areas, two units and measure 1; its coordinator signed in."""
    plan = PlanFactory()
    work = AreaFactory(plan=plan, key="arbeidsliv", name="Arbeidsliv", name_en="Working life")
    school = AreaFactory(plan=plan, key="utdanning", name="Utdanning", name_en="Education")
    aid = UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    kd = UnitFactory(abbreviation="KD", name="Kunnskapsdepartementet")
    measure = MeasureFactory(
        area=work, number=1, title="Kartlegge diskriminering", units=[aid], description="Gammel."
    )
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no", name="Kari Koordinator")
    db.session.commit()
    return plan, measure, work, school, aid, kd, coordinator


def post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def measure_form(measure, **changes):
    data = {
        "title": measure.title,
        "description": measure.description,
        "area": measure.area.key,
        "units": ", ".join(unit.abbreviation for unit in measure.units),
        "version": measure.version,
    }
    return {**data, **changes}


def public_page(client, number=1):
    return client.get(f"{PLAN_ONE}/tiltak/{number}").get_data(as_text=True)


def test_coordinator_edits_title_and_description_and_the_public_page_shows_it(client, login, plan):
    _plan, measure, *_rest, coordinator = plan
    login(coordinator)
    assert "Kartlegge diskriminering" in public_page(client)  # cached now
    response = post(
        client,
        f"{EDIT}/tiltak/1",
        measure_form(measure, title="Kartlegge diskriminering i arbeidslivet", description="Ny."),
    )
    assert response.status_code == 302
    saved = fresh(measure)
    assert (saved.title, saved.description, saved.version) == (
        "Kartlegge diskriminering i arbeidslivet",
        "Ny.",
        2,
    )
    page = public_page(client)
    assert "Kartlegge diskriminering i arbeidslivet" in page
    assert re.search(r'id="text-changed">[^<]*sist endret[^<]*versjon 2', page)
    change = db.session.scalars(select(PlanChange)).one()
    assert change.action == "measure_edited"
    assert change.measure_version == 2
    assert change.details["title"] == {
        "old": "Kartlegge diskriminering",
        "new": "Kartlegge diskriminering i arbeidslivet",
    }
    assert [event.details["action"] for event in audit_events("plan_changed")] == ["measure_edited"]
    history = client.get(f"{EDIT}/endringer").get_data(as_text=True)
    assert "Tittel: «Kartlegge diskriminering» → «Kartlegge diskriminering i arbeidslivet»" in (
        history
    )


def test_moving_a_measure_and_changing_its_units_lead_first(client, login, plan):
    _plan, measure, _work, school, _aid, _kd, coordinator = plan
    login(coordinator)
    response = post(
        client, f"{EDIT}/tiltak/1", measure_form(measure, area="utdanning", units="KD, AID")
    )
    assert response.status_code == 302
    saved = fresh(measure)
    assert saved.area_id == school.id
    assert [unit.abbreviation for unit in saved.units] == ["KD", "AID"]
    page = public_page(client)
    assert page.index("Kunnskapsdepartementet") < page.index("Arbeids- og inkluderings")
    assert "hovedansvar" in page
    assert "Utdanning" in page


def test_an_unknown_unit_is_refused_on_its_field_and_nothing_changes(client, login, plan):
    _plan, measure, *_rest, coordinator = plan
    login(coordinator)
    before = snapshot()
    response = post(client, f"{EDIT}/tiltak/1", measure_form(measure, units="AID, XYZ", title="X"))
    assert response.status_code == 400
    assert "Finner ingen enhet med forkortelsen «XYZ»" in field_error(
        response.get_data(as_text=True), "units"
    )
    assert snapshot() == before


def test_two_coordinators_editing_the_same_measure_never_overwrite_each_other(client, login, plan):
    _plan, measure, *_rest, coordinator = plan
    login(coordinator)
    opened = measure_form(measure)  # both opened version 1
    first = post(client, f"{EDIT}/tiltak/1", {**opened, "description": "Den første teksten."})
    assert first.status_code == 302
    second = post(client, f"{EDIT}/tiltak/1", {**opened, "description": "Den andre teksten."})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Noen andre har endret tiltaket først" in page
    assert "Den første teksten." in page  # the saved version, beside …
    assert "Den andre teksten." in page  # … the one typed, still in the form
    assert 'name="version" type="hidden" value="2"' in page
    assert fresh(measure).description == "Den første teksten."
    # Sent again from the conflict page (on version 2), the second text is saved.
    again = post(client, f"{EDIT}/tiltak/1", {**opened, "description": "Begge.", "version": 2})
    assert again.status_code == 302
    assert fresh(measure).description == "Begge."


def test_adding_a_measure_lists_it_publicly_with_the_next_number(client, login, plan):
    _plan, _measure, *_rest, coordinator = plan
    login(coordinator)
    form = client.get(f"{EDIT}/tiltak/ny").get_data(as_text=True)
    assert 'name="number" type="text" value="2"' in form or 'value="2"' in form
    response = post(
        client,
        f"{EDIT}/tiltak/ny",
        {"title": "Nytt tiltak", "description": "Tekst.", "area": "utdanning", "units": "KD"},
    )
    assert response.status_code == 302
    assert "Nytt tiltak" in public_page(client, 2)
    taken = post(
        client,
        f"{EDIT}/tiltak/ny",
        {"number": 1, "title": "T", "description": "D", "area": "utdanning", "units": "KD"},
    )
    assert taken.status_code == 400
    assert "Planen har allerede et tiltak 1" in field_error(taken.get_data(as_text=True), "number")


def test_a_retired_measure_keeps_its_public_history_with_the_date_and_reason(client, login, plan):
    _plan, measure, *_rest, coordinator = plan
    ReportFactory(
        measure=measure,
        round__state=RoundState.PUBLISHED,
        review_state=ReviewState.APPROVED,
        narrative="Det som ble gjort.",
    )
    login(coordinator)
    no_reason = post(
        client,
        f"{EDIT}/tiltak/1/avslutt",
        {"retired_on": "2026-03-01", "reason": "", "version": measure.version},
    )
    assert no_reason.status_code == 400
    assert fresh(measure).retired_on is None
    response = post(
        client,
        f"{EDIT}/tiltak/1/avslutt",
        {"retired_on": "2026-03-01", "reason": "Slått sammen med tiltak 4.", "version": 1},
    )
    assert response.status_code == 302
    assert fresh(measure).retired_on == date(2026, 3, 1)
    page = public_page(client)
    assert "Tiltaket er avsluttet eller tatt ut av planen 1. mars 2026." in as_read(page)
    assert "Slått sammen med tiltak 4." in page
    assert "Det som ble gjort." in page  # its history stays
    assert db.session.scalar(select(Measure.id).where(Measure.id == measure.id))


def test_areas_are_added_and_renamed(client, login, plan):
    _plan, *_rest, coordinator = plan
    login(coordinator)
    added = post(
        client,
        f"{EDIT}/omrader/ny",
        {"key": "idrett", "name": "Idrett og frivillighet", "name_en": "Sport"},
    )
    assert added.status_code == 302
    clash = post(
        client, f"{EDIT}/omrader/ny", {"key": "idrett", "name": "Igjen", "name_en": "Again"}
    )
    assert clash.status_code == 400
    assert "allerede et hovedområde" in field_error(clash.get_data(as_text=True), "key")
    renamed = post(
        client,
        f"{EDIT}/omrader/arbeidsliv",
        {"name": "Arbeidsliv og næring", "name_en": "Working life"},
    )
    assert renamed.status_code == 302
    assert "Arbeidsliv og næring" in public_page(client)
    actions = [change.action for change in db.session.scalars(select(PlanChange))]
    assert actions == ["area_added", "area_renamed"]


def test_only_the_plans_coordinators_may_edit_it(client, login, plan):
    _plan, measure, *_rest, aid, _kd, _coordinator = plan
    other = PlanFactory(slug="oslo-mot-rasisme")
    for user, status in (
        (make_user(Role.COORDINATOR, plans=[other], email="oslo@example.no"), 403),
        (make_user(Role.CONTACT, aid, email="kontakt@aid.example.no"), 403),
        (make_user(Role.ADMIN, email="admin@example.no"), 403),
    ):
        login(user)
        assert client.get(f"{EDIT}/tiltak/1").status_code == status
        data = {**measure_form(measure, title="Hack"), "csrf_token": csrf_token(client, "/")}
        assert client.post(f"{EDIT}/tiltak/1", data=data).status_code == status
    assert fresh(measure).title == "Kartlegge diskriminering"


def test_a_measure_added_while_a_round_is_open_gets_a_draft_its_unit_can_report_on(
    client, login, plan
):
    _plan, _measure, *_rest, kd, coordinator = plan
    RoundFactory(slug="status-2026", state=RoundState.OPEN)
    contact = make_user(Role.CONTACT, kd, email="kontakt@kd.example.no")
    db.session.commit()
    login(coordinator)
    response = post(
        client,
        f"{EDIT}/tiltak/ny",
        {"title": "Nytt i runden", "description": "Tekst.", "area": "utdanning", "units": "KD"},
    )
    assert response.status_code == 302
    login(contact)
    start = client.get("/rapportering/").get_data(as_text=True)
    assert "Nytt i runden" in start
    assert client.get("/rapportering/status-2026/tiltak/2").status_code == 200


def test_a_long_plan_lists_its_measures_a_hundred_to_a_page(client, login, plan):
    _plan, _measure, work, _school, aid, _kd, coordinator = plan
    login(coordinator)

    def listed(page: str) -> list[int]:
        return [int(number) for number in re.findall(r'<tr id="measure-(\d+)">', page)]

    short = client.get(f"{EDIT}/").get_data(as_text=True)
    assert listed(short) == [1] and "Side 1 av" not in short
    for number in range(2, 121):
        MeasureFactory(area=work, number=number, units=[aid])
    db.session.commit()
    first = client.get(f"{EDIT}/").get_data(as_text=True)
    assert listed(first) == list(range(1, 101))
    assert "120 tiltak" in first and "Side 1 av 2" in first
    [following] = re.findall(r'<a class="ds-link" rel="next" href="([^"]+)"', first)
    second = client.get(following).get_data(as_text=True)
    assert listed(second) == list(range(101, 121)) and "Side 2 av 2" in second
    assert listed(client.get(f"{EDIT}/?side=7").get_data(as_text=True))[:1] == [1]
