"""Two plans side by side in public: each plan's pages, search, feeds and open data show that
plan and nothing of the other's; /planer/ lists both; each speaks with its own identity."""

import csv
import io
import json
import re

import feedparser
import pytest

from tests.support.kept_rows import load_seed, written_once
from tests.support.plan_files import municipal_plan
from tests.support.public_helpers import PLAN_ONE
from tracker.extensions import db
from tracker.plan.loader import load_plan
from tracker.typography import as_read

OSLO = "/planer/oslo-mot-rasisme-2025-2028"
# A title from each plan that the other must never show.
ONE_ONLY = "Kampanje mot diskriminering i arbeidslivet"  # plan one's measure 1
OSLO_ONLY = "Antirasistisk undervisningsopplegg i bydelsskolene"  # Oslo's measure 1


@pytest.fixture
def two_plans(app, plan_data):
    """The seeded plan and the municipal plan, loaded by the first test of the process and
    put back for the others (tests/support/kept_rows.py)."""

    def load_both() -> None:
        load_seed(plan_data)
        load_plan(db.session, municipal_plan(), new_plan=True)
        db.session.commit()

    written_once(db.session, "seeded and the municipal plan", load_both)


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "page",
    [
        "/",
        "/tiltak",
        "/tiltak/1",
        "/enheter/AID",
        "/tiltak?q=diskriminering",
        "/tiltak?q=undervisningsopplegg",
        "/om-dataene",
        "/data/tiltak.json",
        "/data/tiltak.csv",
        "/feed.atom",
        "/enheter/AID/feed.atom",
        "/tiltak/1/feed.atom",
    ],
)
def test_no_page_of_a_plan_shows_the_other_plans_measures(client, two_plans, page):
    one, oslo = text_of(client, PLAN_ONE + page), text_of(client, OSLO + page)
    assert OSLO_ONLY not in one
    assert ONE_ONLY not in oslo
    assert "midtveis-2025" not in oslo and "oslo-host-2025" not in one


def test_each_plan_numbers_its_own_measures(client, two_plans):
    assert ONE_ONLY in text_of(client, PLAN_ONE + "/tiltak/1")
    assert OSLO_ONLY in text_of(client, OSLO + "/tiltak/1")
    assert client.get(OSLO + "/tiltak/4").status_code == 404  # plan one has a measure 4
    assert client.get("/planer/finnes-ikke/tiltak/1").status_code == 404
    assert client.get("/planer/finnes-ikke/").status_code == 404


def test_a_shared_unit_has_a_page_in_each_plan_with_that_plans_measures(client, two_plans):
    oslo = text_of(client, OSLO + "/enheter/AID")
    assert "AID har ansvar for 1 tiltak i handlingsplanen." in oslo
    assert "Anonyme søknader i kommunens rekruttering" in oslo
    one = text_of(client, PLAN_ONE + "/enheter/AID")
    assert "Anonyme søknader" not in one
    # A unit that has no part in a plan has no page there.
    assert client.get(PLAN_ONE + "/enheter/BGO").status_code == 404
    assert client.get(OSLO + "/enheter/KDD").status_code == 404


def test_open_data_and_feeds_of_a_plan_hold_only_that_plan(client, two_plans):
    document = json.loads(text_of(client, OSLO + "/data/tiltak.json"))
    assert document["plan"]["slug"] == "oslo-mot-rasisme-2025-2028"
    assert [row["number"] for row in document["measures"]] == [1, 2, 3]
    assert document["measures"][0]["ministries"] == ["BGO", "OE"]
    rows = list(csv.DictReader(io.StringIO(text_of(client, PLAN_ONE + "/data/tiltak.csv"))))
    assert len(rows) == 50 and {row["round_slug"] for row in rows} == {"midtveis-2025"}
    # A round's file is found only under its own plan.
    assert client.get(OSLO + "/data/midtveis-2025/tiltak.json").status_code == 404
    feed = feedparser.parse(client.get(OSLO + "/feed.atom").data)
    assert (
        feed.feed.title == "Oslo kommunes handlingsplan mot rasisme 2025–2028: publiserte statuser"
    )
    assert feed.feed.author == "Oslo kommune, Byrådsavdeling for inkludering"
    assert [entry.title.split(":")[0] for entry in feed.entries] == ["Statusrapport høst 2025"]


def test_each_plans_pages_carry_its_own_title_owner_intro_and_language(client, two_plans):
    oslo = text_of(client, OSLO + "/")
    assert "<h1" in oslo and "Oslo kommunes handlingsplan mot rasisme 2025–2028</h1>" in oslo
    assert "Planperiode: 2025–2028." in as_read(oslo)
    assert "Planen har 3 tiltak innenfor 2 hovedområder." in oslo
    assert "1 av dem er avsluttet eller tatt ut av planen." in oslo
    assert "Planen følger opp den nasjonale handlingsplanen" in oslo
    assert (
        "Statusoversikten for planen forvaltes av Oslo kommune, Byrådsavdeling for inkludering"
        in oslo
    )
    # The plan's own texts are in nynorsk, and marked so for screen readers.
    assert 'lang="nn">Antirasistisk undervisningsopplegg i bydelsskolene</a>' in oslo
    english = text_of(client, OSLO + "/?lang=en")
    assert 'lang="en">The City of Oslo&#39;s action plan against racism 2025–2028</h1>' in english
    assert "The plan follows up the national action plan" in english
    one = text_of(client, PLAN_ONE + "/")
    assert "Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027</h1>" in one
    assert "Planen har 50 tiltak innenfor 5 hovedområder." in one
    assert "forvaltes av Arbeids- og inkluderingsdepartementet" in one
    assert "Oslo kommune" not in one


def test_the_list_of_plans_shows_each_plans_status(client, two_plans):
    page = text_of(client, "/planer/")
    rows = dict(re.findall(r'<tr data-plan="([^"]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"handlingsplan-rasisme-2024-2027", "oslo-mot-rasisme-2025-2028"}
    numbers = {
        slug: [int(n) for n in re.findall(r'class="number-cell"[^>]*>(\d+)<', row)]
        for slug, row in rows.items()
    }
    # Completed, in progress, not started, not reported, measures.
    assert numbers["handlingsplan-rasisme-2024-2027"] == [13, 32, 5, 0, 50]
    # Oslo's measure 3 was retired before the round: counted nowhere, never «ikke rapportert».
    assert numbers["oslo-mot-rasisme-2025-2028"] == [1, 1, 0, 0, 2]
    assert page.index("oslo-mot-rasisme") < page.index("handlingsplan-rasisme")  # newest first
    # With two plans the site's front page is the list.
    assert re.findall(r'<tr data-plan="([^"]+)">', text_of(client, "/")) == list(rows)


def test_a_retired_measure_says_so_and_is_not_counted_as_unreported(client, two_plans):
    page = text_of(client, OSLO + "/tiltak/3")
    assert 'id="retired"' in page
    assert "Tiltaket er avsluttet eller tatt ut av planen 1. mars 2025." in as_read(page)
    assert "staten gjør det samme i tiltak 4" in page
    front = text_of(client, OSLO + "/")
    assert "Av totalt 2 tiltak er 1 gjennomført, 1 pågående og 0 ikke igangsatt." in front
    assert "ikke rapportert ennå" not in front
    listed = text_of(client, OSLO + "/tiltak")
    assert "Tiltaket er avsluttet eller tatt ut av planen 1. mars 2025." in as_read(listed)
