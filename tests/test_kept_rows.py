"""The seeded plan and the workflow's world are written once per test process and put back
for the later tests (tests/support/kept_rows.py): what they put back must be what writing
afresh gives, in every table the database holds."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from tests.support import kept_rows, workflow
from tests.support.kept_rows import load_seed, written_once
from tests.support.workflow import build_world
from tracker.extensions import db
from tracker.models import ResponsibleUnit
from tracker.reporting.states import ReviewState, RoundState
from tracker.timeutil import utcnow


def test_the_seeded_plan_put_back_equals_a_fresh_load(app, plan_data, monkeypatch):
    monkeypatch.setattr(kept_rows, "_written", {})
    loaded_from = utcnow()
    written_once(db.session, "seeded", lambda: load_seed(plan_data))
    fresh = every_row(stamped_from=loaded_from)
    assert fresh["measures"] and fresh["measure_search"]

    empty_every_table()
    put_back_from = utcnow()
    written_once(db.session, "seeded", lambda: pytest.fail("loaded again, not put back"))

    assert_same_rows(every_row(stamped_from=put_back_from), fresh)
    # The next id of each table put back follows its highest one (PostgreSQL's sequences;
    # SQLite takes the highest plus one by itself).
    unit = ResponsibleUnit(name="Ny", abbreviation="NY")
    db.session.add(unit)
    db.session.flush()
    (kept,) = kept_rows._written.values()
    assert unit.id == max(row["id"] for row in kept.rows["responsible_units"]) + 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"two_plans": True},
        {"round_state": RoundState.PUBLISHED, "review_state": ReviewState.APPROVED},
    ],
    ids=["open round, two plans", "published round"],
)
def test_the_workflow_world_put_back_equals_a_fresh_build(app, arguments, monkeypatch):
    monkeypatch.setattr(workflow, "_kept_worlds", {})
    built_from = utcnow()
    built = build_world(**arguments)
    built_ids = _ids(built)
    fresh = every_row(stamped_from=built_from)

    empty_every_table()
    put_back_from = utcnow()
    world = build_world(**arguments)

    assert _ids(world) == built_ids
    assert world.report.measure.number == 7 and world.lead_contact.unit.abbreviation == "LED"
    assert_same_rows(every_row(stamped_from=put_back_from), fresh)


def _ids(world) -> dict:
    return {name: getattr(value, "id", None) for name, value in vars(world).items()}


def assert_same_rows(put_back_rows: dict, fresh: dict) -> None:
    assert put_back_rows.keys() == fresh.keys()
    for name in fresh:
        differences = [
            set(after) ^ set(before)
            for after, before in zip(put_back_rows[name], fresh[name], strict=False)
            if after != before
        ]
        assert put_back_rows[name] == fresh[name], (name, differences[:1])


def every_row(stamped_from: datetime) -> dict[str, list]:
    """Every table the database holds, found by inspection rather than from the models (the
    search index is none), with its rows in a stable order. A time at or after
    ``stamped_from`` was stamped by the writing and becomes "stamped": two writings never
    stamp the same microsecond."""
    connection = db.session.connection()
    names = [
        name
        for name in inspect(connection).get_table_names()
        # Alembic's revision, and the FTS5 table's own storage (measure_search is compared).
        if name != "alembic_version" and not name.startswith("measure_search_")
    ]
    every = {}
    for name in names:
        columns = "*"
        if name == "measure_search" and connection.dialect.name == "postgresql":
            columns = "measure_id, CAST(document AS text) AS document"  # a tsvector, as text
        rows = connection.execute(text(f"SELECT {columns} FROM {name}")).mappings()  # nosec B608
        every[name] = sorted(
            (tuple(sorted((k, _stamped(v, stamped_from)) for k, v in row.items())) for row in rows),
            key=repr,
        )
    return every


def _stamped(value, stamped_from: datetime):
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if aware >= stamped_from:
            return "stamped"
    return value


def empty_every_table() -> None:
    db.session.commit()
    connection = db.session.connection()
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(table.delete())
    connection.execute(text("DELETE FROM measure_search"))
    db.session.commit()
