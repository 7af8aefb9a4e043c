"""`flask rounds ...`: reporting rounds from the command line."""

import click

from tracker.cli_options import iso_date
from tracker.reporting.operations import ReportingError, open_round
from tracker.transactions import transaction

rounds_command = click.Group("rounds", help="Rapporteringsrunder.")


@rounds_command.command("open")
@click.argument("slug")
@click.option("--title", required=True, help="Tittel, f.eks. «Status 2026».")
@click.option(
    "--as-of", required=True, callback=iso_date, help="Datoen statusen gjelder for (ÅÅÅÅ-MM-DD)."
)
@click.option("--deadline", callback=iso_date, help="Frist for departementene (ÅÅÅÅ-MM-DD).")
def open_command(slug, title, as_of, deadline):
    """Open a round: every measure gets a draft pre-filled with its latest published report."""
    try:
        with transaction():
            reporting_round = open_round(slug, title, as_of, deadline, opened_by=None)
    except ReportingError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Åpnet runden {reporting_round.slug} med {len(reporting_round.reports)} rapporter.")
