"""Load an export document into a database: validate everything, then write it in one go.

Ids are kept as they are in the file, so every link (a revision to its report, an audit
event to its user) stays intact. Refuses a database that already holds data unless told to
replace it. Writes in the caller's transaction: the caller commits on success and rolls back
on ImportRefused (a savepoint would not help: on SQLite, pysqlite commits a savepoint that
opens the transaction when it is released).
"""

import json

from flask_babel import gettext as _
from sqlalchemy import Integer, delete, func, literal, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from tracker.backup.dump import data_tables, schema_revision, transient_tables
from tracker.backup.validation import parse_document
from tracker.public.search import mark_all_stale

MAX_PROBLEMS_SHOWN = 30


class ImportRefused(Exception):
    """The file was not loaded, and the database is unchanged."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))

    @property
    def message(self) -> str:
        shown = [f"  - {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append("  " + _("… og %(count)d feil til.", count=hidden))
        heading = _(
            "Ingenting ble lest inn, og databasen er uendret. %(count)d feil:",
            count=len(self.problems),
        )
        return "\n".join([heading, *shown])


def load_document(text: str) -> dict:
    """Parse the file's text; anything that is not plain JSON is refused."""

    def refuse_constant(name):
        raise ValueError(name)

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            [
                _(
                    "Filen er ikke gyldig JSON (linje %(line)d, kolonne %(column)d): %(reason)s",
                    line=error.lineno,
                    column=error.colno,
                    reason=error.msg,
                )
            ]
        ) from error
    except ValueError as error:
        raise ImportRefused(
            [_("Filen inneholder %(value)s, som ikke er et gyldig JSON-tall.", value=str(error))]
        ) from error
    except RecursionError:
        raise ImportRefused([_("Filen er nøstet for dypt til å være en dataeksport.")]) from None


def import_data(session: Session, document, replace: bool = False) -> dict[str, int]:
    """Write ``document`` to the database; return the number of rows per table.

    Raises ImportRefused, with every problem found, before writing anything when the file is
    invalid; when the database itself refuses a row, the caller's rollback undoes the rest.
    """
    parsed, problems = parse_document(document, schema_revision(session.connection()))
    if problems or parsed is None:  # (no rows always comes with problems)
        raise ImportRefused(problems)
    tables = data_tables()
    if not replace and _holds_data(session, tables):
        raise ImportRefused(
            [
                _(
                    "Databasen inneholder allerede data. Bruk --replace for å slette alt "
                    "som er der og erstatte det med innholdet i filen."
                )
            ]
        )
    try:
        if replace:
            for table in [*transient_tables(), *reversed(tables)]:
                session.execute(delete(table))
        for table in tables:
            if parsed.rows[table.name]:
                session.execute(table.insert(), parsed.rows[table.name])
        _reset_sequences(session, tables)
        mark_all_stale(session)  # the search index is derived: rebuilt, never carried
    except (IntegrityError, DataError) as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ImportRefused(
            [_("Databasen avviste innholdet: %(reason)s", reason=reason)]
        ) from error
    return {table.name: len(parsed.rows[table.name]) for table in tables}


def _holds_data(session: Session, tables) -> bool:
    return any(
        session.execute(select(literal(1)).select_from(table).limit(1)).first() for table in tables
    )


def _reset_sequences(session: Session, tables) -> None:
    """Rows came with their ids, so PostgreSQL's id sequences must continue after the largest."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite picks max(id) + 1 by itself
    for table in tables:
        [*key] = table.primary_key.columns
        if len(key) != 1 or not isinstance(key[0].type, Integer) or key[0].autoincrement is False:
            continue
        column = key[0]
        next_id = select(func.coalesce(func.max(column), 0) + 1).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        session.execute(select(func.setval(sequence, next_id, False)))
