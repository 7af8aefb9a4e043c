"""`flask mail send`, `flask mail worker` and `flask reminders send`."""

import signal
import time

import click
from flask import current_app

from tracker.cli_options import iso_date
from tracker.mail import queries
from tracker.mail.models import MessageState
from tracker.mail.operations import queue_due_reminders, queue_submission_digests
from tracker.mail.sender import Outcome, deliver_pending
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.transactions import transaction

mail_command = click.Group("mail", help="E-post: send det som venter i utboksen.")
reminders_command = click.Group("reminders", help="Påminnelser om frister.")


def _summary(outcome: Outcome) -> str:
    return (
        f"Sendt: {outcome.sent}. Utsatt til nytt forsøk: {outcome.deferred}. "
        f"Ga opp: {outcome.failed}. Avbrutt (deaktivert mottaker): {outcome.cancelled}."
    )


@mail_command.command("send")
def send_command():
    """Deliver every due message once and exit (1 if any was given up)."""
    if not current_app.config["MAIL_URL"]:
        waiting = queries.state_counts()[MessageState.PENDING]
        click.echo(
            f"MAIL_URL er ikke satt, så ingenting sendes. {waiting} meldinger venter i utboksen "
            "(se /admin/utboks)."
        )
        return
    outcome = deliver_pending()
    click.echo(_summary(outcome))
    if outcome.failed:
        raise SystemExit(1)


@mail_command.command("worker")
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Sekunder mellom rundene (MAIL_WORKER_INTERVAL_SECONDS).",
)
def worker_command(interval):
    """Deliver continuously until stopped (SIGTERM or Ctrl-C finish the current batch first)."""
    if not current_app.config["MAIL_URL"]:
        raise click.ClickException(
            "MAIL_URL er ikke satt: arbeideren har ingen server å sende til."
        )
    interval = (
        interval if interval is not None else current_app.config["MAIL_WORKER_INTERVAL_SECONDS"]
    )
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(f"Sender e-post fra utboksen hvert {interval:g}. sekund. Stopp med Ctrl-C.")
    try:
        while not stopping:
            outcome = deliver_pending()
            if outcome.sent or outcome.deferred or outcome.failed or outcome.cancelled:
                click.echo(_summary(outcome))
            slept = 0.0
            while slept < interval and not stopping:
                time.sleep(min(0.5, interval))
                slept += 0.5
    except KeyboardInterrupt:
        pass
    click.echo("Avsluttet.")


@reminders_command.command("send")
@click.option(
    "--date", "on", callback=iso_date, help="Late som i dag er denne datoen (ÅÅÅÅ-MM-DD)."
)
def reminders_send_command(on):
    """Queue the deadline reminders and submission digests due today; safe to run twice."""
    on = on or oslo_today()
    with transaction():
        reminders = queue_due_reminders(on)
        digests = queue_submission_digests(on)
    click.echo(f"Lagt i utboksen: {reminders} påminnelser og {digests} daglige oversikter.")
