"""flask --app wsgi data export PATH · flask --app wsgi data import PATH [--replace]"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from tracker.backup.dump import consistent_snapshot, write_export
from tracker.backup.restore import ImportRefused, import_data, load_document
from tracker.extensions import db
from tracker.transactions import transaction

data_cli = AppGroup("data", help="Eksport og import av alle data som én JSON-fil.")


@data_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
def export_command(path: str) -> None:
    """Write every table (users' password hashes included) to PATH."""
    with _private_file(path) as stream:
        counts = write_export(consistent_snapshot(db.session()), stream)
    # Ends the read-only snapshot; nothing was written, so there is no unit of work to commit.
    db.session.rollback()
    click.echo(
        _(
            "Skrev %(rows)d rader fra %(tables)d tabeller til %(path)s.",
            rows=sum(counts.values()),
            tables=len(counts),
            path=path,
        )
    )


@data_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--replace", is_flag=True, help="Slett alt som finnes i databasen, og les inn filen i stedet."
)
def import_command(path: str, replace: bool) -> None:
    """Load PATH (written by `data export`) into the database, in one transaction."""
    try:
        with transaction() as session:
            counts = import_data(session, load_document(_read_text(path)), replace=replace)
    except ImportRefused as refused:
        raise click.ClickException(f"{path}: {refused.message}") from refused
    click.echo(_("Leste inn %(rows)d rader fra %(path)s.", rows=sum(counts.values()), path=path))


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ImportRefused([_("Fant ikke filen.")]) from None
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [_("Filen er ikke gyldig UTF-8 (byte %(position)d).", position=error.start)]
        ) from error


@contextmanager
def _private_file(path: str) -> Iterator[IO[str]]:
    """Written whole or not at all, readable by the owner only (the file holds password
    hashes): written beside PATH and renamed when the block ends without an error."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tracker-export-")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
