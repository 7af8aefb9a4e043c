"""`flask users ...`: accounts from the command line."""

import sys

import click
from flask import current_app

from tracker.absolute_urls import absolute_url
from tracker.auth.models import Role
from tracker.auth.operations import AccountError, create_user, generate_password, set_password
from tracker.auth.queries import get_user_by_email
from tracker.ministries.queries import get_unit
from tracker.plan.queries import all_plans, get_plan
from tracker.transactions import transaction

users_command = click.Group("users", help="Brukerkontoer.")

# The demo accounts `make run` creates: a contact person for AID, a coordinator of every plan
# and an administrator.
DEMO_ACCOUNTS = (
    ("kontakt.aid@demo.example.no", "Demo Kontaktperson (AID)", Role.CONTACT, "AID"),
    ("koordinator@demo.example.no", "Demo Koordinator", Role.COORDINATOR, None),
    ("admin@demo.example.no", "Demo Administrator", Role.ADMIN, None),
)


@users_command.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option(
    "--unit",
    "--ministry",
    "unit_abbreviation",
    help="Kontaktpersonens enhet (departement, etat, bydel …) som forkortelse, f.eks. AID.",
)
@click.option(
    "--plan",
    "plan_slugs",
    multiple=True,
    help="Planen en koordinator koordinerer (kortnavnet; kan gis flere ganger). Uten --plan "
    "koordinerer koordinatoren planen når det bare finnes én.",
)
@click.option("--name", default="", help="Fullt navn.")
@click.option("--password-stdin", is_flag=True, help="Les passordet fra standard inn.")
def create_command(email, role, unit_abbreviation, plan_slugs, name, password_stdin):
    """Create a user; prints a generated password once unless --password-stdin is given."""
    unit = None
    if unit_abbreviation:
        unit = get_unit(unit_abbreviation.upper())
        if unit is None:
            raise click.ClickException(f"Fant ikke enheten {unit_abbreviation}.")
    plans = _coordinated_plans(Role(role), plan_slugs)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    try:
        with transaction():
            user = create_user(email, Role(role), password, unit=unit, name=name, plans=plans)
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    details = [user.role.value]
    if user.unit:
        details.append(user.unit.abbreviation)
    if user.coordinated_plans:
        details.append("koordinerer " + ", ".join(p.slug for p in user.coordinated_plans))
    click.echo(f"Opprettet {user.email} ({'; '.join(details)})")
    if not password_stdin:
        click.echo(f"Passord (vises bare nå): {password}")


def _coordinated_plans(role: Role, slugs: tuple[str, ...]) -> list:
    """The plans named with --plan. A coordinator named without any gets the plan when there is
    only one; with several, which ones must be said (a coordinator of every plan by default
    would be more access than anyone asked for)."""
    if slugs and role != Role.COORDINATOR:
        raise click.ClickException("Bare en koordinator kan ha planer (--plan).")
    plans = []
    for slug in slugs:
        plan = get_plan(slug)
        if plan is None:
            known = ", ".join(p.slug for p in all_plans()) or "ingen"
            raise click.ClickException(f"Fant ikke planen {slug}. Kjente planer: {known}.")
        plans.append(plan)
    if role == Role.COORDINATOR and not plans:
        existing = all_plans()
        if len(existing) > 1:
            raise click.ClickException(
                "Det finnes flere planer. Si hvilke koordinatoren skal koordinere med --plan "
                "(kan gis flere ganger): " + ", ".join(p.slug for p in existing) + "."
            )
        plans = existing
    return plans


@users_command.command("demo")
def demo_command():
    """Create the demo accounts (development only) and print their passwords."""
    if current_app.config["TRACKER_ENV"] != "development":
        raise click.ClickException(
            "Demokontoer lages bare i utvikling (TRACKER_ENV=development), aldri i produksjon."
        )
    lines = []
    with transaction():
        for email, name, role, abbreviation in DEMO_ACCOUNTS:
            unit = get_unit(abbreviation) if abbreviation else None
            if abbreviation and unit is None:
                raise click.ClickException(
                    "Planen er ikke lastet inn: kjør `flask --app wsgi seed` først."
                )
            password = generate_password()
            user = get_user_by_email(email)
            if user is None:
                create_user(email, role, password, unit=unit, name=name, plans=all_plans())
            else:  # run again: a fresh password, so the one printed now is the one that works
                set_password(user, password)
            lines.append(f"  {role.value:<12} {email:<32} {password}")
    # Where this app says it is (PUBLIC_URL; `make run`'s address by default), not a guess.
    click.echo(f"Demokontoer (logg inn på {absolute_url('auth.login')}):")
    click.echo("\n".join(lines))
