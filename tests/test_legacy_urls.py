"""Every public address from before there were several plans keeps answering: the site root
shows the plan (or, with several, the list of plans); every other one moves permanently to the
same page of the installation's first plan, with its query string."""

import pytest

from tests.factories import PlanFactory
from tests.support.public_helpers import PLAN_ONE, load_synthetic_plan, publish_second_round
from tracker.extensions import db
from tracker.reporting.states import Status
from tracker.typography import as_read

# Old address → where it now lives (query strings go along).
MOVED = {
    "/tiltak": PLAN_ONE + "/tiltak",
    "/tiltak?q=diskriminering&departement=KDD&lang=en": PLAN_ONE
    + "/tiltak?q=diskriminering&departement=KDD&lang=en",
    "/tiltak/45": PLAN_ONE + "/tiltak/45",
    "/tiltak/45?lang=nn": PLAN_ONE + "/tiltak/45?lang=nn",
    "/departementer/KDD": PLAN_ONE + "/enheter/KDD",
    "/om-dataene": PLAN_ONE + "/om-dataene",
    "/data/tiltak.json": PLAN_ONE + "/data/tiltak.json",
    "/data/tiltak.csv": PLAN_ONE + "/data/tiltak.csv",
    "/data/midtveis-2025/tiltak.json": PLAN_ONE + "/data/midtveis-2025/tiltak.json",
    "/data/midtveis-2025/tiltak.csv": PLAN_ONE + "/data/midtveis-2025/tiltak.csv",
    "/feed.atom": PLAN_ONE + "/feed.atom",
    "/departementer/KDD/feed.atom": PLAN_ONE + "/enheter/KDD/feed.atom",
    "/tiltak/45/feed.atom": PLAN_ONE + "/tiltak/45/feed.atom",
}


@pytest.mark.parametrize("several_plans", [False, True], ids=["one plan", "several plans"])
def test_every_old_address_moves_to_the_first_plans_page(client, seeded, several_plans):
    if several_plans:
        # A newer plan with its own measures 1–50: the old addresses were made for the first
        # plan and keep meaning it.
        load_synthetic_plan(50, slug="plan-2028", round_slug="runde-2028", units="KDD")
    for old, new in MOVED.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response.location == new, old
        arrived = client.get(response.location)
        assert arrived.status_code == 200, new
    measure = client.get(client.get("/tiltak/45").location).get_data(as_text=True)
    assert "Ny undersøkelse om holdninger til etniske og religiøse minoriteter" in measure


def test_open_data_redirects_let_other_sites_follow_them(client, seeded):
    response = client.get("/data/tiltak.json", headers={"Origin": "https://data.norge.no"})
    assert response.status_code == 301
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_rounds_old_data_address_goes_to_the_rounds_own_plan(client, seeded):
    """Round slugs name the round in the whole installation, so a round of a later plan is
    found whatever plan the old address would otherwise mean."""
    load_synthetic_plan(5, slug="plan-2028", round_slug="runde-2028", units="Z")
    response = client.get("/data/runde-2028/tiltak.csv")
    assert response.status_code == 301
    assert response.location == "/planer/plan-2028/data/runde-2028/tiltak.csv"
    assert client.get("/data/finnes-ikke/tiltak.csv").status_code == 404


def test_old_addresses_of_things_that_do_not_exist_end_in_not_found(client, seeded):
    for old in ("/tiltak/999", "/departementer/XYZ", "/tiltak/999/feed.atom"):
        response = client.get(old)
        assert response.status_code == 301
        assert client.get(response.location).status_code == 404, old


def test_without_any_plan_the_old_addresses_are_not_found_and_the_root_says_so(client, app):
    assert client.get("/tiltak/1").status_code == 404
    assert client.get("/data/tiltak.json").status_code == 404
    root = client.get("/")
    assert root.status_code == 200
    assert "Ingen planer er lagt inn ennå." in root.get_data(as_text=True)


def test_the_root_is_the_plan_while_there_is_one_and_the_list_when_there_are_several(
    client, seeded
):
    one = client.get("/").get_data(as_text=True)
    assert "Status pr. 1. juni 2025 (Midtveisrapport)." in as_read(one)
    # The same page as the plan's own address, which search engines are told is the original.
    assert f'<link rel="canonical" href="{PLAN_ONE}/">' in one
    publish_second_round({9: Status.COMPLETED})
    PlanFactory(slug="plan-2028", title="Handlingsplan 2028–2031", first_year=2028, last_year=2031)
    db.session.commit()
    several = client.get("/").get_data(as_text=True)
    assert 'data-plan="plan-2028"' in several and 'data-plan="handlingsplan-rasisme' in several
    assert several.index('data-plan="plan-2028"') < several.index('data-plan="handlingsplan')
