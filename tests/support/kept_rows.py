"""What a test's setup wrote, kept once per test process and put back for each later test
that asks for the same: one multi-row insert per table instead of building it again through the
ORM.

The seeded plan (``load_plan``: validation, 50 measures, the published round, the search index)
cost 0.06–0.1 s on SQLite and more on PostgreSQL for each of hundreds of tests; the permission
matrix's world of plans, units, reports and people 0.04 s for each of its 687 cases.
``tests/test_seed.py`` proves that the rows put back equal a fresh load's, table by table, the
search index included.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, Connection, Insert, Integer, Table, bindparam, exists, select, text
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.plan.loader import load_plan
from tracker.timeutil import utcnow

# The search index is no model: a virtual FTS5 table on SQLite, a tsvector on PostgreSQL.
_SEARCH_READ = {
    "sqlite": "SELECT measure_id, title, ministries, description, narrative "
    "FROM measure_search ORDER BY rowid",
    "postgresql": "SELECT measure_id, CAST(document AS text) AS document "
    "FROM measure_search ORDER BY measure_id",
}
_SEARCH_WRITE = {
    "sqlite": "INSERT INTO measure_search (measure_id, title, ministries, description, "
    "narrative) VALUES (:measure_id, :title, :ministries, :description, :narrative)",
    "postgresql": "INSERT INTO measure_search (measure_id, document) "
    "VALUES (:measure_id, CAST(:document AS tsvector))",
}


@dataclass(frozen=True)
class KeptRows:
    rows: dict[str, list[dict]]  # table name → its rows, in the order they were read
    search_rows: list[dict]
    written_from: datetime  # times at or after it were stamped while writing them


def tables_holding_rows(connection: Connection) -> list[Table]:
    """The models' tables that hold any row, in one query."""
    tables = db.metadata.sorted_tables
    holding = connection.execute(select(*(exists().select_from(t) for t in tables))).one()
    return [table for table, has_rows in zip(tables, holding, strict=True) if has_rows]


def start_writing(session: Session) -> datetime:
    """Before writing rows to keep into the empty database: ids start from 1, as they do on
    an empty SQLite database, so that writing them afresh and putting them back give the same
    ids on PostgreSQL too. Returns the moment from which times are the writing's own."""
    connection = session.connection()
    for table, column in _serial_ids(connection):
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), 1, false)"),
            {"table": table, "column": column},
        )
    return utcnow()


def keep(session: Session, written_from: datetime) -> KeptRows:
    """Every row the database holds now (commit first)."""
    connection = session.connection()
    rows = {}
    for table in tables_holding_rows(connection):
        rows[table.name] = [dict(row) for row in connection.execute(select(table)).mappings()]
    search = connection.execute(text(_SEARCH_READ[connection.dialect.name])).mappings()
    kept = KeptRows(rows, [dict(row) for row in search], written_from)
    session.commit()
    return kept


def put_back(session: Session, kept: KeptRows) -> None:
    """Write the kept rows into the empty database and commit. The times the writing stamped
    (``updated_at``, ``opened_at``, ``created_at``...) move forward to now, as writing afresh
    would stamp them; the published data version, which holds the latest report time, changes
    as it would."""
    connection = session.connection()
    moved = utcnow() - kept.written_from
    for table in db.metadata.sorted_tables:
        rows = kept.rows.get(table.name)
        if rows:
            connection.execute(_insert(table), [_moved(row, kept, moved) for row in rows])
    if kept.search_rows:
        connection.execute(text(_SEARCH_WRITE[connection.dialect.name]), kept.search_rows)
    _continue_id_sequences(connection, kept)
    session.commit()


def written_once(session: Session, name: str, write: Callable[[], object]) -> None:
    """Run ``write`` (which commits), or put back what it wrote: on an empty database, the
    first test of the process to ask for ``name`` runs it and its rows are kept; the later ones
    get them put back. On a database holding rows (another fixture wrote first) it runs, as
    what it writes may depend on them."""
    connection = session.connection()
    key = (str(connection.engine.url), name)
    if tables_holding_rows(connection):
        write()
    elif key in _written:
        put_back(session, _written[key])
    else:
        written_from = start_writing(session)
        write()
        _written[key] = keep(session, written_from)


_written: dict[tuple[str, str], KeptRows] = {}


def load_seed(plan_data: dict) -> None:
    """What the ``seeded`` fixture writes: the plan file, loaded and committed."""
    load_plan(db.session, plan_data)
    db.session.commit()


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


def _moved(row: dict, kept: KeptRows, moved: timedelta) -> dict:
    return {
        name: value + moved
        if isinstance(value, datetime) and _aware(value) >= kept.written_from
        else value
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


def _continue_id_sequences(connection: Connection, kept: KeptRows) -> None:
    """The next id of a table put back is its highest plus one, as after writing afresh."""
    for table, column in _serial_ids(connection):
        ids = [row[column] for row in kept.rows.get(table, ())]
        if ids:
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, :column), :last)"),
                {"table": table, "column": column, "last": max(ids)},
            )
