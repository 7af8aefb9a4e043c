"""Every public page issues the same number of SQL queries for 50 measures as for 5,000, and for
one plan as for several."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.support.public_helpers import PLAN_ONE, load_synthetic_plan, measure
from tracker.extensions import db
from tracker.ministries.operations import keep_names_on_reports

# Rendering a page for the first time (per worker and data version); a cache hit costs one.
PLAN_PAGES = {
    "{plan}/": 9,
    "{plan}/?lang=en": 9,
    "{plan}/tiltak": 7,
    "{plan}/tiltak?omrade={area}&departement={unit}&status=completed&q=e": 7,
    "{plan}/tiltak?forsinket=ja": 7,
    "{plan}/tiltak/3": 8,  # 3 of them: its milestones, indicators and evidence
    "{plan}/enheter/{unit}": 6,
    "{plan}/om-dataene": 3,
    "{plan}/data/tiltak.json": 8,  # 3 of them: the plan's milestones, indicators, evidence
    "{plan}/data/tiltak.csv": 5,
    "{plan}/data/{round}/tiltak.json": 8,
    "{plan}/data/indikatorer.csv": 4,
    "{plan}/feed.atom": 4,
    "{plan}/enheter/{unit}/feed.atom": 5,
    "{plan}/tiltak/3/feed.atom": 5,
    "{plan}/innebygd": 5,
    "{plan}/tiltak/3/innebygd": 4,
    # The read API (tracker/api/views.py).
    "{api}": 3,
    "{api}/areas": 3,
    "{api}/units": 3,
    "{api}/rounds": 3,
    "{api}/measures": 5,
    "{api}/measures/3": 4,
}
# The site's own pages. Its front page is the plan itself while there is one, and the list of
# plans (with every plan's status) when there are several.
SITE_PAGES = {
    "one plan": {
        "/planer/": 3,
        "/": 9,
        "/data/katalog.jsonld": 3,
        "/personvern": 1,
        "/api/v1/plans": 2,
        "/api/v1/openapi.json": 1,
    },
    "several plans": {
        "/planer/": 3,
        "/": 4,
        "/data/katalog.jsonld": 3,
        "/personvern": 1,
        "/api/v1/plans": 2,
        "/api/v1/openapi.json": 1,
    },
}


@contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def assert_fixed_query_counts(client, pages: dict, names: dict | None = None) -> None:
    for page, expected in pages.items():
        url = page.format(**(names or {}))
        with counted_queries() as first:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(first) == expected, (url, first)
        with counted_queries() as again:
            assert client.get(url).status_code == 200
        assert len(again) == 1, url  # only the data-version check


def test_query_counts_for_the_seeded_plan(client, seeded):
    assert_fixed_query_counts(
        client,
        PLAN_PAGES,
        {
            "plan": PLAN_ONE,
            "api": PLAN_ONE.replace("/planer/", "/api/v1/plans/"),
            "area": "ungdom",
            "unit": "KUD",
            "round": "midtveis-2025",
        },
    )
    assert_fixed_query_counts(client, SITE_PAGES["one plan"])


@pytest.mark.parametrize("measure_count", [5000])
def test_query_counts_for_a_plan_of_5000_measures(client, app, measure_count):
    load_synthetic_plan(measure_count)
    html = client.get(PLAN_ONE + "/tiltak?q=Tiltak").get_data(as_text=True)
    assert html.count(PLAN_ONE + "/tiltak/") == measure_count
    assert_fixed_query_counts(
        client,
        PLAN_PAGES,
        {
            "plan": PLAN_ONE,
            "api": PLAN_ONE.replace("/planer/", "/api/v1/plans/"),
            "area": "omrade-1",
            "unit": "D3",
            "round": "runde",
        },
    )
    assert_fixed_query_counts(client, SITE_PAGES["one plan"])


def test_query_counts_with_twenty_plans_are_the_same_for_each(client, app):
    """Twenty plans of 250 measures, sharing their units: every plan's pages cost what one
    plan's do, and the list of plans costs the same whatever their number."""
    for index in range(20):
        load_synthetic_plan(250, slug=f"plan-{index}", round_slug=f"runde-{index}")
    for index in (0, 19):
        assert_fixed_query_counts(
            client,
            PLAN_PAGES,
            {
                "plan": f"/planer/plan-{index}",
                "api": f"/api/v1/plans/plan-{index}",
                "area": "omrade-1",
                "unit": "D3",
                "round": f"runde-{index}",
            },
        )
    assert_fixed_query_counts(client, SITE_PAGES["several plans"])
    assert client.get("/").get_data(as_text=True).count('<tr data-plan="') == 20


def test_a_measure_linked_across_plans_with_names_kept_on_its_reports_costs_the_same(client, app):
    """The links to the measure it continues and to those continuing it, and the names a
    reorganisation left on its reports, come with the page's own queries."""
    load_synthetic_plan(50)
    successor = load_synthetic_plan(50, slug="plan-to", round_slug="runde-to")
    old, new = measure(3), measure(3, successor)
    new.continues_measure_id = old.id
    keep_names_on_reports(old.units)
    old.units[0].name = "Nytt navn"
    db.session.commit()
    # The same 8 as any measure page (5, and 3 for its milestones, indicators and evidence).
    assert_fixed_query_counts(client, {PLAN_ONE + "/tiltak/3": 8, "/planer/plan-to/tiltak/3": 8})
    assert 'href="/planer/plan-to/tiltak/3"' in client.get(PLAN_ONE + "/tiltak/3").get_data(
        as_text=True
    )
