"""Every table as one JSON document: the plan, rounds, reports, their full revision history,
users with their password hashes, and the audit log.

The document is a function of the data alone: rows ordered by primary key, keys sorted,
timestamps in UTC with their offset. So the same data exported from SQLite and from
PostgreSQL gives byte-identical files, which is how a move between them is proven.

``write_export`` writes that same document row by row, reading each table in batches, so its
memory stays bounded whatever the size of the data (the whole document in memory took 2.56 GB
at 100 times today's data); ``export_data`` and ``dumps`` build it whole, for tests and small
data, and give the same bytes.
"""

import base64
import enum
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import IO

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from tracker.extensions import db

FORMAT = "tracker-data"
FORMAT_VERSION = 1


# Work in progress, not data: report builds (and their files, derived from the data) are kept
# for a day and can be made again; a spreadsheet waiting for its uploader's confirmation is kept
# until confirmed or replaced by the person's next upload. A backup leaves them out; a replacing
# import clears them.
TRANSIENT_TABLES = frozenset({"report_jobs", "sheet_uploads"})


def data_tables() -> list[Table]:
    """Every table of the schema but the transient ones, parents before the tables that refer
    to them."""
    from tracker import models  # noqa: F401  (every table must be known to the metadata)

    return [table for table in db.metadata.sorted_tables if table.name not in TRANSIENT_TABLES]


def transient_tables() -> list[Table]:
    from tracker import models  # noqa: F401

    return [table for table in db.metadata.sorted_tables if table.name in TRANSIENT_TABLES]


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


BATCH_ROWS = 1000
_ROW_INDENT = "   "  # a row's depth in the document: top level, "tables", its table's list


def write_export(connection: Connection, stream: IO[str]) -> dict[str, int]:
    """Write the document ``dumps(export_data(connection))`` would give to ``stream``, a batch of
    rows at a time; returns the rows written per table."""
    counts: dict[str, int] = {}
    dump: Callable[[object], str] = lambda value: json.dumps(  # noqa: E731
        value, ensure_ascii=False, sort_keys=True, indent=1
    )
    stream.write("{\n")
    stream.write(f' "format": {dump(FORMAT)},\n')
    stream.write(f' "format_version": {dump(FORMAT_VERSION)},\n')
    stream.write(f' "schema_revision": {dump(schema_revision(connection))},\n')
    tables = sorted(data_tables(), key=lambda table: table.name)
    stream.write(' "tables": {' + ("\n" if tables else ""))
    for position, table in enumerate(tables):
        stream.write(f"  {dump(table.name)}: [")
        count = 0
        result = connection.execution_options(yield_per=BATCH_ROWS).execute(
            select(table).order_by(*table.primary_key.columns)
        )
        for row in result.mappings():
            values = {name: json_value(value) for name, value in row.items()}
            text = dump(values).replace("\n", "\n" + _ROW_INDENT)
            stream.write(("," if count else "") + "\n" + _ROW_INDENT + text)
            count += 1
        stream.write("\n  ]" if count else "]")
        stream.write(",\n" if position < len(tables) - 1 else "\n")
        counts[table.name] = count
    stream.write((" }" if tables else "}") + "\n}\n")
    return counts


def row_count(document: dict) -> int:
    return sum(len(rows) for rows in document["tables"].values())
