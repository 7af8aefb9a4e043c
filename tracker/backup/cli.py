"""flask --app wsgi data export PATH · flask --app wsgi data import PATH [--replace]"""

import os
import tempfile

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from tracker.backup.dump import consistent_snapshot, dumps, export_data, row_count
from tracker.backup.restore import ImportRefused, import_data, load_document
from tracker.extensions import db
from tracker.transactions import transaction

data_cli = AppGroup("data", help="Eksport og import av alle data som én JSON-fil.")


@data_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
def export_command(path: str) -> None:
    """Write every table (users' password hashes included) to PATH."""
    document = export_data(consistent_snapshot(db.session()))
    # Ends the read-only snapshot; nothing was written, so there is no unit of work to commit.
    db.session.rollback()
    _write_private_file(path, dumps(document))
    click.echo(
        _(
            "Skrev %(rows)d rader fra %(tables)d tabeller til %(path)s.",
            rows=row_count(document),
            tables=len(document["tables"]),
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


def _write_private_file(path: str, text: str) -> None:
    """Write whole or not at all, readable by the owner only (the file holds password hashes)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tracker-export-")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
