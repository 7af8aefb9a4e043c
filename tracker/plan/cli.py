import json

import click
from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.plan.loader import load_plan
from tracker.plan.validation import PlanValidationError
from tracker.transactions import transaction


@click.command("seed")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--if-empty", is_flag=True, help="Only if the database holds no plan yet (make serve)."
)
def seed_command(path: str | None, if_empty: bool) -> None:
    """Load the plan file (default: the one the package ships, seed/plan_2024_2027.json)."""
    path = path or current_app.config["SEED_PATH"]
    if if_empty and db.session.scalar(select(Measure.id).limit(1)) is not None:
        click.echo("Planen finnes allerede i databasen; ingenting lastet.")
        return
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise click.ClickException(f"Fant ikke filen {path}.") from None
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} er ikke gyldig UTF-8: {error}") from error
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"{path} er ikke gyldig JSON (linje {error.lineno}, kolonne {error.colno}): {error.msg}"
        ) from error
    try:
        with transaction() as session:
            result = load_plan(session, data)
    except PlanValidationError as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(
            f"{path} ble ikke lastet inn; databasen er uendret. {len(error.problems)} "
            f"feil:\n{lines}"
        ) from error
    if not result.changed:
        click.echo(f"{path}: alt var allerede oppdatert; ingenting endret.")
        return
    for label, bucket in (("Opprettet", result.created), ("Oppdatert", result.updated)):
        if bucket:
            click.echo(f"{label}: " + ", ".join(f"{n} {kind}" for kind, n in bucket.items()))
    if result.kept_user_edits:
        click.echo(f"Beholdt {result.kept_user_edits} rapporter som brukere har endret.")
