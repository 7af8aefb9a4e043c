"""The seeded database, loaded through ``load_plan`` once per test process and put back for
each later test that asks for it.

Loading the plan through the ORM (validation, 50 measures, the published round, the search
index) cost 0.06–0.1 s on SQLite and more on PostgreSQL, for each of hundreds of tests. Putting
back the rows it wrote is one multi-row insert per table. ``tests/test_seed.py`` proves that
the database put back equals a fresh load, table by table (the search index included).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, Connection, Insert, Integer, Table, bindparam, exists, select, text
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.plan.loader import load_plan
from tracker.timeutil import utcnow

# The search index is no model: a virtual FTS5 table on SQLite, a tsvector on PostgreSQL.
_SEARCH_COLUMNS = {
    "sqlite": "measure_id, title, ministries, description, narrative",
    "postgresql": "measure_id, CAST(document AS text) AS document",
}
_SEARCH_NAMES = {
    "sqlite": "measure_id, title, ministries, description, narrative",
    "postgresql": "measure_id, document",
}
_SEARCH_ORDER = {"sqlite": "rowid", "postgresql": "measure_id"}  # the order a load wrote them
_SEARCH_VALUES = {
    "sqlite": ":measure_id, :title, :ministries, :description, :narrative",
    "postgresql": ":measure_id, CAST(:document AS tsvector)",
}


@dataclass(frozen=True)
class SeedSnapshot:
    rows: dict[str, list[dict]]  # table name → its rows, in the order they were read
    search_rows: list[dict]
    loaded_at: datetime  # times at or after it were stamped by the load itself


def tables_holding_rows(connection: Connection) -> list:
    """The models' tables that hold any row, in one query."""
    tables = db.metadata.sorted_tables
    holding = connection.execute(select(*(exists().select_from(t) for t in tables))).one()
    return [table for table, has_rows in zip(tables, holding, strict=True) if has_rows]


def load_and_keep(session: Session, data: dict) -> SeedSnapshot:
    """Load ``data`` into the empty database with ``load_plan``, commit, and keep what it
    wrote. Ids start from 1, as they do on an empty SQLite database, so that a load and a
    restore give the same ids on PostgreSQL too."""
    restart_id_sequences(session.connection())
    loaded_at = utcnow()
    load_plan(session, data)
    session.commit()
    connection = session.connection()
    rows = {
        table.name: [dict(row) for row in connection.execute(select(table)).mappings()]
        for table in db.metadata.sorted_tables
    }
    dialect = connection.dialect.name
    search_rows = [
        dict(row)
        for row in connection.execute(
            text(
                f"SELECT {_SEARCH_COLUMNS[dialect]} FROM measure_search "  # nosec B608
                f"ORDER BY {_SEARCH_ORDER[dialect]}"
            )
        ).mappings()
    ]
    session.commit()
    return SeedSnapshot({n: r for n, r in rows.items() if r}, search_rows, loaded_at)


def restore(session: Session, snapshot: SeedSnapshot) -> None:
    """Write the snapshot's rows into the empty database and commit. Times the load stamped
    (``updated_at``, ``opened_at``...) move forward to now, as a fresh load would stamp them,
    so the published data version (which counts the latest report time) changes as it does
    after a fresh load."""
    connection = session.connection()
    moved = utcnow() - snapshot.loaded_at
    for table in db.metadata.sorted_tables:
        rows = snapshot.rows.get(table.name)
        if rows:
            connection.execute(
                _insert(table), [_moved(row, snapshot.loaded_at, moved) for row in rows]
            )
    connection.execute(text("DELETE FROM measure_search"))  # SQLite's is not emptied per test
    if snapshot.search_rows:
        dialect = connection.dialect.name
        connection.execute(
            text(
                f"INSERT INTO measure_search ({_SEARCH_NAMES[dialect]}) "  # nosec B608
                f"VALUES ({_SEARCH_VALUES[dialect]})"
            ),
            snapshot.search_rows,
        )
    _continue_id_sequences(connection, snapshot)
    session.commit()


def _insert(table: Table) -> Insert:
    """An insert of whole rows. A JSON column's None is written as SQL NULL, as the ORM left it
    (a plain insert would write the JSON text ``null``)."""
    return table.insert().values(
        {
            column.name: bindparam(column.name, type_=JSON(none_as_null=True))
            for column in table.columns
            if isinstance(column.type, JSON)
        }
    )


def _moved(row: dict, loaded_at: datetime, moved) -> dict:
    return {
        name: value + moved if isinstance(value, datetime) and _aware(value) >= loaded_at else value
        for name, value in row.items()
    }


def _aware(value: datetime) -> datetime:
    # SQLite hands back the stored UTC times without their zone.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _serial_ids(connection: Connection) -> list[tuple[str, str]]:
    """(table, id column) of every model table whose single integer key draws from a
    sequence (PostgreSQL's SERIAL); none on SQLite, which takes the highest id plus one."""
    if connection.dialect.name != "postgresql":
        return []
    keyed = []
    for table in db.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer):
            keyed.append((table.name, key[0].name))
    return keyed


def restart_id_sequences(connection: Connection) -> None:
    for table, column in _serial_ids(connection):
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
            {"table": table, "column": column},
        )


def _continue_id_sequences(connection: Connection, snapshot: SeedSnapshot) -> None:
    """The next id of a restored table is its highest plus one, as after a fresh load."""
    for table, column in _serial_ids(connection):
        ids = [row[column] for row in snapshot.rows.get(table, ())]
        if ids:
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, :column), :last)"),
                {"table": table, "column": column, "last": max(ids)},
            )
