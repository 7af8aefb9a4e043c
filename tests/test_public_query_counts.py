"""Every public page issues the same number of SQL queries for 50 measures as for 5,000."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.support.public_helpers import load_synthetic_plan
from tracker.extensions import db

# Rendering a page for the first time (per worker and data version); a cache hit costs one.
PAGES = {
    "/": 7,
    "/?lang=en": 7,
    "/tiltak": 6,
    "/tiltak?omrade={area}&departement={ministry}&status=completed&q=e": 6,
    "/tiltak/3": 4,
    "/departementer/{ministry}": 5,
    "/om-dataene": 2,
    "/data/tiltak.json": 4,
    "/data/tiltak.csv": 4,
    "/data/{round}/tiltak.json": 4,
    "/feed.atom": 3,
    "/departementer/{ministry}/feed.atom": 4,
    "/tiltak/3/feed.atom": 4,
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


def assert_fixed_query_counts(client, names: dict) -> None:
    for page, expected in PAGES.items():
        url = page.format(**names)
        with counted_queries() as first:
            response = client.get(url)
        assert response.status_code == 200, url
        assert len(first) == expected, (url, first)
        with counted_queries() as again:
            assert client.get(url).status_code == 200
        assert len(again) == 1, url  # only the data-version check


def test_query_counts_for_the_seeded_plan(client, seeded):
    assert_fixed_query_counts(
        client, {"area": "ungdom", "ministry": "KUD", "round": "midtveis-2025"}
    )


@pytest.mark.parametrize("measure_count", [5000])
def test_query_counts_for_a_plan_of_5000_measures(client, app, measure_count):
    load_synthetic_plan(measure_count)
    assert client.get("/tiltak?q=Tiltak").get_data(as_text=True).count("/tiltak/") == measure_count
    assert_fixed_query_counts(client, {"area": "omrade-1", "ministry": "D3", "round": "runde"})
