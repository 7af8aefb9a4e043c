"""`flask seed` (the plan the package ships, or any plan file, created or brought up to date)
and `flask plans import|list`."""

import json
import os

import click
from flask import current_app

from tracker.extensions import db
from tracker.plan import spreadsheet
from tracker.plan.loader import LoadResult, load_plan
from tracker.plan.queries import all_plans, plan_count
from tracker.plan.validation import PlanValidationError
from tracker.reporting.queries import public_totals_by_plan
from tracker.transactions import transaction

# A plan of a few hundred measures with years of narratives is a few megabytes; anything far
# larger is a mistake (or an attack) and is refused before a byte of it is parsed.
MAX_PLAN_FILE_BYTES = 10 * 1024 * 1024


@click.command("seed")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--if-empty", is_flag=True, help="Only if the database holds no plan yet (make serve)."
)
def seed_command(path: str | None, if_empty: bool) -> None:
    """Load the plan file (default: the one the package ships, seed/plan_2024_2027.json): make
    its plan, or bring the plan of the same slug up to date."""
    path = path or current_app.config["SEED_PATH"]
    if if_empty and plan_count() > 0:
        click.echo("Planen finnes allerede i databasen; ingenting lastet.")
        return
    result = _load(path, new_plan=False)
    if not result.changed:
        click.echo(f"{path}: alt var allerede oppdatert; ingenting endret.")
        return
    _report(result)


plans_command = click.Group("plans", help="Handlingsplanene i installasjonen.")


@plans_command.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
def import_command(path: str) -> None:
    """Make a new plan from a plan file (the seed file's format, with plan.slug) or a filled-in
    spreadsheet template (.xlsx). Everything is checked first; on any problem nothing is
    written."""
    result = (
        _load_spreadsheet(path) if path.lower().endswith(".xlsx") else _load(path, new_plan=True)
    )
    plan = result.plan
    if plan is None:  # never: load_plan returns the plan it wrote
        raise click.ClickException("Planen ble ikke opprettet.")
    click.echo(f"Opprettet planen «{plan.title}» ({plan.slug}), /planer/{plan.slug}/.")
    _report(result)


@plans_command.command("list")
def list_command() -> None:
    """Every plan: slug, title, period and how many measures and published statuses it has."""
    plans = all_plans()
    if not plans:
        click.echo("Ingen planer. Last inn en med `flask seed` eller `flask plans import FIL`.")
        return
    totals = public_totals_by_plan()
    for plan in plans:
        counted = totals.get(plan.id)
        measures = counted.measure_count if counted else 0
        reported = measures - counted.unreported if counted else 0
        click.echo(
            f"{plan.slug}\t{plan.title}\t{plan.period}\t"
            f"{measures} tiltak, {reported} med publisert status"
        )
    db.session.rollback()  # read only: nothing to commit


def read_plan_file(path: str) -> dict:
    """The file's JSON, or a ClickException in Norwegian; a file over MAX_PLAN_FILE_BYTES is
    refused by its size alone."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise click.ClickException(f"Fant ikke filen {path}.") from None
    if size > MAX_PLAN_FILE_BYTES:
        raise click.ClickException(
            f"{path} ble ikke lastet inn; databasen er uendret. Filen er på "
            f"{size / 1024 / 1024:.0f} MB, og en planfil kan være på høyst "
            f"{MAX_PLAN_FILE_BYTES // 1024 // 1024} MB."
        )
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise click.ClickException(f"Fant ikke filen {path}.") from None
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} er ikke gyldig UTF-8: {error}") from error
    except json.JSONDecodeError as error:
        raise click.ClickException(
            f"{path} er ikke gyldig JSON (linje {error.lineno}, kolonne {error.colno}): {error.msg}"
        ) from error
    except RecursionError:
        raise click.ClickException(f"{path} er nøstet for dypt til å være en planfil.") from None


def _load(path: str, *, new_plan: bool) -> LoadResult:
    data = read_plan_file(path)
    try:
        with transaction() as session:
            return load_plan(session, data, new_plan=new_plan)
    except PlanValidationError as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(
            f"{path} ble ikke lastet inn; databasen er uendret. {len(error.problems)} "
            f"feil:\n{lines}"
        ) from error


def _load_spreadsheet(path: str) -> LoadResult:
    """The same reading and checks as the coordinator's upload, problems named by sheet and row."""
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise click.ClickException(f"Fant ikke filen {path}.") from None
    if size > spreadsheet.MAX_SPREADSHEET_BYTES:
        raise click.ClickException(f"{path}: {spreadsheet.too_large_message(size)}")
    with open(path, "rb") as handle:
        content = handle.read()
    try:
        data, rows = spreadsheet.read_plan_spreadsheet(content)
        with transaction() as session:
            return load_plan(session, data, new_plan=True)
    except spreadsheet.SpreadsheetProblems as error:
        problems = error.problems
    except PlanValidationError as error:
        problems = [spreadsheet.problem_in_sheet(problem, rows) for problem in error.problems]
    lines = "\n".join(f"  - {problem}" for problem in problems)
    raise click.ClickException(
        f"{path} ble ikke lastet inn; databasen er uendret. {len(problems)} feil:\n{lines}"
    )


def _report(result: LoadResult) -> None:
    for label, bucket in (("Opprettet", result.created), ("Oppdatert", result.updated)):
        if bucket:
            click.echo(f"{label}: " + ", ".join(f"{n} {kind}" for kind, n in bucket.items()))
    if result.kept_user_edits:
        click.echo(f"Beholdt {result.kept_user_edits} rapporter som brukere har endret.")
