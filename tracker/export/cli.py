"""``flask --app wsgi report [--plan SLUG] --round SLUG --output PATH [--format docx|pdf]
[--draft] [--changes] [--no-chart]``, and ``flask report-jobs work [--once]``: the worker that
builds the reports coordinators queue on the report page.

Messages are marked with N_ and written in Norwegian: gettext needs a request to pick a locale.
"""

import os
import signal
import tempfile
import time

import click
from flask import current_app
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from tracker.export.jobs import WorkOutcome, work_queued
from tracker.export.midterm import (
    REPORT_KINDS,
    STATUS_REPORT,
    IntroductionMissing,
    export_midterm_report,
)
from tracker.export.queries import exportable_rounds
from tracker.extensions import db
from tracker.plan.queries import all_plans, get_plan
from tracker.reporting.queries import get_round
from tracker.text import N_


@click.command("report")
@click.option(
    "--plan",
    "plan_slug",
    help="Planens kortnavn. Kan utelates: rundens kortnavn er unikt i hele installasjonen.",
)
@click.option(
    "--round", "slug", required=True, help="Rapporteringsrundens kortnavn, f.eks. midtveis-2025."
)
@click.option(
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Hvor filen skal skrives.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["docx", "pdf", "pdfa"]),
    multiple=True,
    default=("docx",),
    show_default=True,
    help=(
        "Word-dokument eller PDF. PDF-en er alltid tagget (PDF/UA) og arkivformat (PDF/A-2b); "
        "«pdfa» er den samme filen. Begge har sidetall i innholdsfortegnelsen. Gjenta valget "
        "for begge filene fra én kjøring (én LibreOffice): --format docx --format pdf skriver "
        "RAPPORT.docx og RAPPORT.pdf ved siden av hverandre."
    ),
)
@click.option(
    "--draft", is_flag=True, help="Utkast: ta med tekster som ikke er godkjent, merket UTKAST."
)
@click.option(
    "--changes", is_flag=True, help="Ta med vedlegg med endringer siden forrige publiserte runde."
)
@click.option("--no-chart", is_flag=True, help="Uten diagram (tabellen har de samme tallene).")
@click.option(
    "--language",
    type=click.Choice(["nb", "nn"]),
    default="nb",
    show_default=True,
    help="Målform for rapportens faste tekster: bokmål (nb) eller nynorsk (nn).",
)
@click.option(
    "--kind",
    type=click.Choice(REPORT_KINDS),
    default=STATUS_REPORT,
    show_default=True,
    help="Statusrapport, eller sluttrapport som begynner med resultatene.",
)
def report_command(
    plan_slug: str | None,
    slug: str,
    output: str,
    file_format: tuple[str, ...],
    draft: bool,
    changes: bool,
    no_chart: bool,
    language: str,
    kind: str,
) -> None:
    """Lag rapporten for en runde som Word-dokument (DOCX) eller PDF."""
    plan = None
    if plan_slug is not None:
        plan = get_plan(plan_slug)
        if plan is None:
            known = ", ".join(p.slug for p in all_plans()) or N_("ingen")
            raise click.ClickException(
                N_("Fant ingen plan med kortnavnet «%(slug)s». Kjente planer: %(known)s.")
                % {"slug": plan_slug, "known": known}
            )
    reporting_round = get_round(slug)
    if reporting_round is None:
        known = ", ".join(r.slug for r in exportable_rounds([plan] if plan else None))
        raise click.ClickException(
            N_("Fant ingen rapporteringsrunde med kortnavnet «%(slug)s». Kjente runder: %(known)s.")
            % {"slug": slug, "known": known or N_("ingen")}
        )
    if plan is not None and reporting_round.plan_id != plan.id:
        raise click.ClickException(
            N_(
                "Runden «%(slug)s» hører til planen «%(other)s», ikke til «%(plan)s». "
                "Ingen rapport ble laget."
            )
            % {"slug": slug, "other": reporting_round.plan.slug, "plan": plan.slug}
        )
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        raise click.ClickException(
            N_("Mappen %(directory)s finnes ikke.") % {"directory": directory}
        )
    try:
        report = export_midterm_report(
            reporting_round,
            draft=draft,
            include_changes=changes,
            with_chart=not no_chart,
            language=language,
            kind=kind,
        )
    except IntroductionMissing as error:
        raise click.ClickException(error.message) from None
    wanted = {"pdf" if kind == "pdfa" else kind for kind in file_format}
    files = {"docx": report.content}
    if "pdf" in wanted:
        if report.pdf is None:
            raise click.ClickException(
                N_("PDF-en ble ikke laget: %(reason)s") % {"reason": report.pdf_missing_reason}
            )
        files["pdf"] = report.pdf
    written = []
    for kind in sorted(wanted):
        # One format: the path as given. Both: the same name with each format's suffix.
        path = output if len(wanted) == 1 else os.path.splitext(output)[0] + f".{kind}"
        _write_file(directory, path, files[kind])
        written.append((path, files[kind]))
    if not no_chart and not report.chart_included:
        click.echo(N_("Diagrammet kunne ikke lages; rapporten har tallene i tabellen."), err=True)
    if "docx" in wanted and report.pdf_missing_reason:
        click.echo(
            N_("Innholdsfortegnelsen mangler sidetall: %(reason)s")
            % {"reason": report.pdf_missing_reason},
            err=True,
        )
    for path, content in written:
        size = len(content) // 1024
        click.echo(N_("Skrev %(path)s (%(size)d kB).") % {"path": path, "size": size})


def _write_file(directory: str, path: str, content: bytes) -> None:
    """Written beside the target and renamed, so a half-written file never replaces a good one."""
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as handle:
        handle.write(content)
    os.chmod(handle.name, 0o666 & ~_current_umask())  # a temporary file is private; a report is not
    os.replace(handle.name, path)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


report_jobs_command = click.Group(
    "report-jobs", help="Rapportbygg: lag rapportene koordinatorene har bestilt."
)


def _summary(outcome: WorkOutcome) -> str:
    return N_(
        "Ferdige: %(done)d. Mislyktes: %(failed)d. Avbrutt (arbeideren stoppet): %(gone)d."
    ) % {
        "done": outcome.done,
        "failed": outcome.failed,
        "gone": outcome.abandoned,
    }


@report_jobs_command.command("work")
@click.option("--once", is_flag=True, help="Lag det som venter, og avslutt (for cron og tester).")
@click.option(
    "--interval",
    type=float,
    default=2.0,
    show_default=True,
    help="Sekunder mellom hver gang køen sjekkes.",
)
def work_command(once: bool, interval: float) -> None:
    """Build queued reports; with --once until none is left, else until stopped (SIGTERM or
    Ctrl-C let the build in progress finish first)."""
    if once:
        outcome = work_queued()
        click.echo(_summary(outcome))
        if outcome.failed:
            raise SystemExit(1)
        return
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    click.echo(
        N_(
            "Lager bestilte rapporter og ser etter nye hvert %(interval)g. sekund. "
            "Stopp med Ctrl-C."
        )
        % {"interval": interval}
    )
    backoff = 0.0
    try:
        while not stopping:
            try:
                outcome = work_queued(stopping=lambda: bool(stopping))
            except (OperationalError, InterfaceError) as error:
                # The database is away: wait and try again, a little longer each time.
                _forget_connection()
                backoff = min(max(2 * backoff, 1.0), current_app.config["REPORT_JOB_CLAIM_SECONDS"])
                reason = type(getattr(error, "orig", None) or error).__name__
                click.echo(
                    N_("Får ikke kontakt med databasen (%(reason)s). Prøver igjen om %(wait)g s.")
                    % {"reason": reason, "wait": backoff},
                    err=True,
                )
                _pause(backoff, stopping)
                continue
            backoff = 0.0
            if outcome.done or outcome.failed or outcome.abandoned:
                click.echo(_summary(outcome))
            _pause(interval, stopping)
    except KeyboardInterrupt:
        pass
    click.echo(N_("Avsluttet."))


def _pause(seconds: float, stopping: list[bool]) -> None:
    """Sleep, waking at least every half second to see whether SIGTERM came."""
    deadline = time.monotonic() + seconds
    while not stopping and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(0.5, left))


def _forget_connection() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session().invalidate()
    db.session.remove()
