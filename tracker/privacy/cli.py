"""`flask retention apply`: run once a day, beside `flask reminders send` (docs/privacy.md)."""

import click
from flask import current_app

from tracker.privacy.operations import apply_retention
from tracker.subscriptions.operations import UNCONFIRMED_DAYS
from tracker.timeutil import utcnow
from tracker.transactions import transaction

retention_command = click.Group("retention", help="Sletting av gamle personopplysninger.")


@retention_command.command("apply")
def apply_command():
    """Blank old client addresses, delete old audit rows and sent mail."""
    config = current_app.config
    with transaction():
        outcome = apply_retention(
            utcnow(), config["RETENTION_ADDRESS_DAYS"], config["RETENTION_AUDIT_MONTHS"]
        )
    click.echo(
        f"IP-adresser slettet fra {outcome.addresses_blanked} hendelser eldre enn "
        f"{config['RETENTION_ADDRESS_DAYS']} dager. Slettet {outcome.audit_rows_deleted} "
        f"hendelser og {outcome.messages_deleted} e-poster eldre enn "
        f"{config['RETENTION_AUDIT_MONTHS']} måneder. Slettet {outcome.subscriptions_deleted} "
        f"ubekreftede abonnementer eldre enn {UNCONFIRMED_DAYS} dager."
    )
