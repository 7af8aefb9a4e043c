"""The reporting workflow's pages. Thin: load (with the permission rule), call an operation,
commit once, render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.auth.queries import active_contacts_by_ministry
from tracker.reporting import diff
from tracker.reporting.forms import OpenRoundForm, ReturnForm, StatusReportForm
from tracker.reporting.operations import (
    EditConflict,
    ReportingError,
    approve_report,
    close_round,
    open_round,
    publish_round,
    return_report,
    save_report,
    submit_report,
)
from tracker.reporting.permissions import TEMPLATE_RULES, can_view_report, is_responsible_contact
from tracker.reporting.queries import get_round
from tracker.reporting.states import Status
from tracker.reporting.workflow_queries import (
    REVISION_ACTIONS,
    Progress,
    all_rounds,
    get_report,
    is_overdue,
    open_round_now,
    previous_published_report,
    progress_by_ministry,
    progress_of,
    reports_for_ministry,
    reports_in_round,
    revisions_of,
)
from tracker.transactions import transaction

blueprint = Blueprint("reporting", __name__, url_prefix="/rapportering")
for _name, _rule in TEMPLATE_RULES.items():
    blueprint.add_app_template_global(_rule, _name)
blueprint.add_app_template_global(progress_of, "progress_of")
blueprint.add_app_template_global(is_overdue, "is_overdue")
blueprint.add_app_template_global(REVISION_ACTIONS, "REVISION_ACTIONS")


def _load_round(slug: str):
    reporting_round = get_round(slug)
    if reporting_round is None:
        abort(404)
    return reporting_round


def _load_report(slug: str, number: int):
    """The report, if this user may see it: 404 for no such report, 403 for someone else's."""
    report = get_report(_load_round(slug), number)
    if report is None:
        abort(404)
    if not can_view_report(current_user, report):
        abort(403)
    return report


# --- Contact persons -------------------------------------------------------------------------


@blueprint.get("/")
@role_required(Role.CONTACT)
def start():
    reporting_round = open_round_now()
    reports = (
        reports_for_ministry(reporting_round, current_user.ministry_id) if reporting_round else []
    )
    return render_template("reporting/start.html", reporting_round=reporting_round, reports=reports)


@blueprint.route("/<slug>/tiltak/<int:number>", methods=["GET", "POST"])
@login_required
def report(slug: str, number: int):
    report = _load_report(slug, number)
    if request.method == "GET":
        form = StatusReportForm(data=_form_data(report.status, report.narrative, report.version))
        return _render_report(report, form)
    if not is_responsible_contact(current_user, report):
        abort(403)
    form = StatusReportForm()
    if not form.validate_on_submit():
        return _render_report(report, form, posted=True), 400
    operation = submit_report if form.submitting else save_report
    try:
        with transaction():
            changed = operation(
                report,
                form.version.data,
                Status(form.status.data),
                form.narrative.data,
                current_user,
            )
    except EditConflict:
        return _render_conflict(report, form), 409
    except ReportingError as error:
        form.form_errors.append(error.message)
        return _render_report(report, form, posted=True), 409
    if form.submitting:
        flash(_("Rapporten er sendt til gjennomgang."), "success")
    elif changed:
        flash(_("Utkastet er lagret."), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for("reporting.report", slug=slug, number=number))


def _form_data(status, narrative, version) -> dict:
    return {"status": status.value, "narrative": narrative, "version": version}


def _render_report(report, form, return_form=None, posted=False):
    return render_template(
        "reporting/report.html",
        report=report,
        form=form,
        posted=posted,
        return_form=return_form or ReturnForm(formdata=None),
        previous=previous_published_report(report),
    )


def _render_conflict(report, typed_form):
    """Both texts side by side; the person's own text stays in the form, on the new version."""
    form = StatusReportForm(
        formdata=None,
        data=_form_data(Status(typed_form.status.data), typed_form.narrative.data, report.version),
    )
    return render_template(
        "reporting/conflict.html",
        report=report,
        form=form,
        typed_status=Status(typed_form.status.data),
        pieces=diff.compare_text(report.narrative, typed_form.narrative.data),
    )


# --- History -----------------------------------------------------------------------------------


@blueprint.get("/<slug>/tiltak/<int:number>/historikk")
@login_required
def history(slug: str, number: int):
    report = _load_report(slug, number)
    revisions = revisions_of(report)
    by_version = {revision.version: revision for revision in revisions}
    new = by_version.get(request.args.get("til", type=int)) or (
        revisions[-1] if revisions else None
    )
    old = by_version.get(request.args.get("fra", type=int))
    comparison = None
    if new is not None:
        # Without a chosen "from" version, show what the chosen version itself changed.
        comparison = diff.Comparison(
            from_version=old.version if old else None,
            to_version=new.version,
            old_status=old.new_status if old else new.old_status,
            new_status=new.new_status,
            pieces=diff.compare_text(
                old.new_narrative if old else new.old_narrative or "", new.new_narrative
            ),
        )
    return render_template(
        "reporting/history.html", report=report, revisions=revisions, comparison=comparison
    )


# --- The coordinator ---------------------------------------------------------------------------


@blueprint.get("/runder")
@role_required(Role.COORDINATOR)
def rounds():
    return render_template(
        "reporting/rounds.html", rounds=all_rounds(), open_round=open_round_now()
    )


@blueprint.route("/runder/ny", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_round():
    form = OpenRoundForm()
    if form.validate_on_submit():
        try:
            with transaction():
                reporting_round = open_round(
                    form.slug.data,
                    form.title.data,
                    form.as_of.data,
                    form.deadline.data,
                    current_user,
                )
        except ReportingError as error:
            form.slug.errors.append(error.message)
        else:
            flash(
                _(
                    "Runden «%(title)s» er åpnet. Departementene kan nå rapportere.",
                    title=reporting_round.title,
                ),
                "success",
            )
            return redirect(url_for("reporting.overview", slug=reporting_round.slug))
    return render_template("reporting/new_round.html", form=form), 400 if form.errors else 200


@blueprint.get("/<slug>/oversikt")
@role_required(Role.COORDINATOR)
def overview(slug: str):
    reporting_round = _load_round(slug)
    reports = reports_in_round(reporting_round)
    rows = progress_by_ministry(reports, active_contacts_by_ministry())
    totals = {progress: sum(row.counts[progress] for row in rows) for progress in Progress}
    return render_template(
        "reporting/overview.html",
        reporting_round=reporting_round,
        reports=reports,
        rows=rows,
        totals=totals,
        overdue_total=sum(len(row.overdue) for row in rows),
        Progress=Progress,
    )


@blueprint.post("/<slug>/lukk")
@role_required(Role.COORDINATOR)
def close(slug: str):
    reporting_round = _load_round(slug)
    return _coordinator_action(
        lambda: close_round(reporting_round, current_user),
        _("Runden er lukket. Departementene kan ikke lenger endre rapportene."),
        url_for("reporting.overview", slug=slug),
    )


@blueprint.post("/<slug>/publiser")
@role_required(Role.COORDINATOR)
def publish(slug: str):
    reporting_round = _load_round(slug)
    return _coordinator_action(
        lambda: publish_round(reporting_round, current_user),
        _("Runden er publisert. De godkjente rapportene er nå den offentlige statusen."),
        url_for("reporting.overview", slug=slug),
    )


@blueprint.post("/<slug>/tiltak/<int:number>/godkjenn")
@role_required(Role.COORDINATOR)
def approve(slug: str, number: int):
    report = _load_report(slug, number)
    return _coordinator_action(
        lambda: approve_report(report, current_user),
        _("Rapporten for tiltak %(number)d er godkjent.", number=number),
        url_for("reporting.report", slug=slug, number=number),
    )


@blueprint.post("/<slug>/tiltak/<int:number>/send-tilbake")
@role_required(Role.COORDINATOR)
def send_back(slug: str, number: int):
    report = _load_report(slug, number)
    return_form = ReturnForm()
    if return_form.validate_on_submit():
        try:
            with transaction():
                return_report(report, return_form.comment.data, current_user)
        except ReportingError as error:
            return_form.comment.errors.append(error.message)
            return _render_return_error(report, return_form), 409
        flash(
            _("Rapporten for tiltak %(number)d er sendt tilbake til departementet.", number=number),
            "success",
        )
        return redirect(url_for("reporting.report", slug=slug, number=number))
    return _render_return_error(report, return_form), 400


def _render_return_error(report, return_form):
    form = StatusReportForm(
        data=_form_data(report.status, report.narrative, report.version), formdata=None
    )
    return _render_report(report, form, return_form=return_form)


def _coordinator_action(operation, success_message: str, next_url: str):
    try:
        with transaction():
            operation()
    except ReportingError as error:
        flash(str(error.message), "error")
        return redirect(next_url)
    flash(success_message, "success")
    return redirect(next_url)
