"""`flask users ...`: accounts from the command line."""

import sys

import click
from flask import current_app

from tracker.auth.models import Role
from tracker.auth.operations import AccountError, create_user, generate_password, set_password
from tracker.auth.queries import get_user_by_email
from tracker.ministries.queries import get_ministry
from tracker.transactions import transaction

users_command = click.Group("users", help="Brukerkontoer.")

# The demo accounts `make run` creates: a contact person for AID and a coordinator.
DEMO_ACCOUNTS = (
    ("kontakt.aid@demo.example.no", "Demo Kontaktperson (AID)", Role.CONTACT, "AID"),
    ("koordinator@demo.example.no", "Demo Koordinator", Role.COORDINATOR, None),
    ("admin@demo.example.no", "Demo Administrator", Role.ADMIN, None),
)


@users_command.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--ministry", "ministry_abbreviation", help="Departementets forkortelse, f.eks. AID.")
@click.option("--name", default="", help="Fullt navn.")
@click.option("--password-stdin", is_flag=True, help="Les passordet fra standard inn.")
def create_command(email, role, ministry_abbreviation, name, password_stdin):
    """Create a user; prints a generated password once unless --password-stdin is given."""
    ministry = None
    if ministry_abbreviation:
        ministry = get_ministry(ministry_abbreviation.upper())
        if ministry is None:
            raise click.ClickException(f"Fant ikke departementet {ministry_abbreviation}.")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    try:
        with transaction():
            user = create_user(email, Role(role), password, ministry=ministry, name=name)
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(
        f"Opprettet {user.email} ({user.role.value}"
        + (f", {user.ministry.abbreviation})" if user.ministry else ")")
    )
    if not password_stdin:
        click.echo(f"Passord (vises bare nå): {password}")


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
            ministry = get_ministry(abbreviation) if abbreviation else None
            if abbreviation and ministry is None:
                raise click.ClickException(
                    "Planen er ikke lastet inn: kjør `flask --app wsgi seed` først."
                )
            password = generate_password()
            user = get_user_by_email(email)
            if user is None:
                create_user(email, role, password, ministry=ministry, name=name)
            else:  # run again: a fresh password, so the one printed now is the one that works
                set_password(user, password)
            lines.append(f"  {role.value:<12} {email:<32} {password}")
    click.echo("Demokontoer (logg inn på http://127.0.0.1:5000/logg-inn):")
    click.echo("\n".join(lines))
