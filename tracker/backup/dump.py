"""Every table as one JSON document: the plan, rounds, reports, their full revision history,
users with their password hashes, and the audit log.

The document is a function of the data alone: rows ordered by primary key, keys sorted,
timestamps in UTC with their offset. So the same data exported from SQLite and from
PostgreSQL gives byte-identical files, which is how a move between them is proven.
"""

import base64
import enum
import json
from datetime import UTC, date, datetime

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from tracker.extensions import db

FORMAT = "tracker-data"
FORMAT_VERSION = 1


# Work in passing, not data: a spreadsheet waiting for its uploader's confirmation (bytes, an
# hour's life) is neither backed up nor moved.
TRANSIENT_TABLES = {"sheet_uploads"}


def data_tables() -> list[Table]:
    """Every table of the schema, parents before the tables that refer to them."""
    from tracker import models  # noqa: F401  (every table must be known to the metadata)

    return [table for table in db.metadata.sorted_tables if table.name not in TRANSIENT_TABLES]


def consistent_snapshot(session: Session) -> Connection:
    """The session's connection, reading every table as of one moment."""
    options = {}
    if session.get_bind().dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    return session.connection(execution_options=options)


def export_data(connection: Connection) -> dict:
    tables = {}
    for table in data_tables():
        rows = connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        tables[table.name] = [
            {name: json_value(value) for name, value in row.items()} for row in rows
        ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": schema_revision(connection),
        "tables": tables,
    }


def schema_revision(connection: Connection) -> str | None:
    """The Alembic revision the database is at; an import needs a database at the same one."""
    return MigrationContext.configure(connection).get_current_revision()


def json_value(value):
    if isinstance(value, bytes | memoryview):
        # Evidence files (LargeBinary): standard base64, the same from SQLite and PostgreSQL.
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        # SQLite hands back the UTC value it stored without its offset; PostgreSQL hands back
        # an aware value in the server's zone. Both become UTC with an explicit offset.
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def row_count(document: dict) -> int:
    return sum(len(rows) for rows in document["tables"].values())
