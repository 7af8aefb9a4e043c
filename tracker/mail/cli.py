"""`flask mail send`, `flask mail worker` and `flask reminders send`."""

import signal
import time

import click
from flask import current_app
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from tracker.cli_options import iso_date
from tracker.db_locks import hold_until_commit
from tracker.extensions import db
from tracker.mail import queries
from tracker.mail.models import MessageState
from tracker.mail.operations import (
    oslo_midnight,
    queue_due_reminders,
    queue_submission_digests,
    release_review_notices,
)
from tracker.mail.sender import Outcome, deliver_pending, release_quiet_review_notices
from tracker.reporting.workflow_queries import today as oslo_today
from tracker.timeutil import utcnow
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
        release_quiet_review_notices(utcnow())
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

    def pause(seconds: float) -> None:
        """Sleep, waking at least every half second to see whether SIGTERM came."""
        deadline = time.monotonic() + seconds
        while not stopping and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(0.5, left))

    click.echo(f"Sender e-post fra utboksen hvert {interval:g}. sekund. Stopp med Ctrl-C.")
    backoff = 0.0
    try:
        while not stopping:
            try:
                outcome = deliver_pending()
            except (OperationalError, InterfaceError) as error:
                # The database is away (a restart, a failover, the network): wait and try again,
                # a little longer each time, rather than exit and leave the outbox unsent.
                _forget_connection()
                backoff = min(
                    max(2 * backoff, 1.0), current_app.config["MAIL_WORKER_BACKOFF_MAX_SECONDS"]
                )
                reason = type(getattr(error, "orig", None) or error).__name__
                click.echo(
                    f"Får ikke kontakt med databasen ({reason}). Prøver igjen om {backoff:g} s.",
                    err=True,
                )
                pause(backoff)
                continue
            if backoff:
                click.echo("Databasen svarer igjen.")
                backoff = 0.0
            if outcome.sent or outcome.deferred or outcome.failed or outcome.cancelled:
                click.echo(_summary(outcome))
            pause(interval)
    except KeyboardInterrupt:
        pass
    click.echo("Avsluttet.")


def _forget_connection() -> None:
    """Drop the session's failed transaction; a dead connection is discarded, not rolled back."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()  # the Session itself: scoped_session does not proxy it
    db.session.remove()


@reminders_command.command("send")
@click.option(
    "--date", "on", callback=iso_date, help="Late som i dag er denne datoen (ÅÅÅÅ-MM-DD)."
)
def reminders_send_command(on):
    """Queue the deadline reminders and submission digests due today; safe to run twice."""
    on = on or oslo_today()
    with transaction() as session:
        # Two machines' timers at once: the second waits for the first, then finds everything
        # already queued (the queue is idempotent) and says so.
        hold_until_commit(session, "reminders-send", wait_forever=True)
        reminders = queue_due_reminders(on)
        digests = queue_submission_digests(on)
        # Approvals and returns gathered before the day: everyone's, whatever their choice.
        decisions = release_review_notices(created_before=oslo_midnight(on))
    click.echo(
        f"Lagt i utboksen: {reminders} påminnelser, {digests} daglige oversikter og "
        f"{decisions} samlede tilbakemeldinger på rapporter."
    )
