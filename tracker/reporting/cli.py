"""`flask rounds ...`: reporting rounds from the command line."""

import click

from tracker.cli_options import iso_date
from tracker.plan.queries import all_plans, get_plan
from tracker.reporting.operations import ReportingError, open_round
from tracker.transactions import transaction

rounds_command = click.Group("rounds", help="Rapporteringsrunder.")


@rounds_command.command("open")
@click.argument("slug")
@click.option(
    "--plan",
    "plan_slug",
    help="Planens kortnavn; kan utelates når installasjonen har én plan.",
)
@click.option("--title", required=True, help="Tittel, f.eks. «Status 2026».")
@click.option(
    "--as-of", required=True, callback=iso_date, help="Datoen statusen gjelder for (ÅÅÅÅ-MM-DD)."
)
@click.option("--deadline", callback=iso_date, help="Frist for de ansvarlige (ÅÅÅÅ-MM-DD).")
def open_command(slug, plan_slug, title, as_of, deadline):
    """Open a round: every measure gets a draft pre-filled with its latest published report."""
    plan = _plan(plan_slug)
    try:
        with transaction():
            reporting_round = open_round(plan, slug, title, as_of, deadline, opened_by=None)
    except ReportingError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Åpnet runden {reporting_round.slug} med {len(reporting_round.reports)} rapporter.")


def _plan(slug: str | None):
    plans = all_plans()
    if slug is None:
        if len(plans) == 1:
            return plans[0]
        known = ", ".join(plan.slug for plan in plans) or "ingen"
        raise click.ClickException(f"Velg planen med --plan. Kjente planer: {known}.")
    plan = get_plan(slug)
    if plan is None:
        known = ", ".join(p.slug for p in plans) or "ingen"
        raise click.ClickException(f"Fant ikke planen {slug}. Kjente planer: {known}.")
    return plan
