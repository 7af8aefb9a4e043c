"""`flask search rebuild`: rewrite the search index from the database (derived data)."""

import click
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.public.search import refresh_search_index
from tracker.transactions import transaction


@click.group("search", help="Søkeindeksen for de offentlige sidene.")
def search_command():
    pass


@search_command.command("rebuild", help="Bygg søkeindeksen på nytt fra databasen.")
@with_appcontext
def rebuild():
    with transaction():
        count = refresh_search_index(db.session.connection())
    click.echo(f"Søkeindeksen er bygd på nytt for {count} tiltak.")
