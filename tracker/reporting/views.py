"""The reporting workflow's pages. Thin: load (with the permission rule), call an operation
in the request's unit of work (which also shows a refusal), render or redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.auth.queries import active_contacts_by_unit
from tracker.languages import NYNORSK_MINIMUM_SHARE, default_narrative_language
from tracker.mail.operations import release_review_notices
from tracker.ministries.queries import unit_positions
from tracker.plan.context import use_plan
from tracker.public.filters import parse_page
from tracker.reporting import diff
from tracker.reporting.forms import (
    CloseRoundForm,
    ConfirmUnchangedForm,
    CorrectionForm,
    DeadlineForm,
    OpenRoundForm,
    ReturnForm,
    StatusReportForm,
    VersionForm,
)
from tracker.reporting.operations import (
    AlreadyStored,
    EditConflict,
    ReportingError,
    approve_report,
    approve_reports,
    change_deadline,
    close_round,
    confirm_unchanged,
    correct_report,
    open_round,
    publish_round,
    reopen_round,
    return_report,
    save_report,
    submit_report,
    withdraw_publication,
    withdraw_submission,
)
from tracker.reporting.permissions import (
    can_view_report,
    coordinates_round,
    is_responsible_contact,
)
from tracker.reporting.queries import get_round, latest_public_reports, status_summary
from tracker.reporting.states import STATUS_ORDER, ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import (
    Progress,
    all_rounds,
    carried_values,
    closes_before_deadline,
    get_report,
    latest_return_comment,
    neighbours,
    next_waiting,
    nynorsk_share,
    open_rounds_for_unit,
    previous_published_report,
    progress_by_unit,
    progress_of,
    publication_gaps,
    report_page,
    report_states,
    reports_for_unit,
    reports_in_round,
    revisions_of,
    submitted_count,
    unchanged_problem,
    unit_measures_by_plan,
    waiting_for_review,
)
from tracker.unit_of_work import flash_and_redirect, on_form, on_page, unit_of_work

blueprint = Blueprint("reporting", __name__, url_prefix="/rapportering")


def _load_round(slug: str):
    reporting_round = get_round(slug)
    if reporting_round is None:
        abort(404)
    use_plan(reporting_round.plan)
    return reporting_round


def _load_coordinated_round(slug: str):
    """The round, if this coordinator coordinates its plan: 404 for no such round, 403 for a
    round of another plan."""
    reporting_round = _load_round(slug)
    if not coordinates_round(current_user, reporting_round):
        abort(403)
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
    return _render_start()


def _render_start(ticked=(), refusal=None):
    """The unit's measures in every open round, one per plan where the unit is responsible;
    «Ingen endring» offered for the reports still as carried from the last round."""
    sections = []
    for reporting_round in open_rounds_for_unit(current_user.unit_id):
        reports = reports_for_unit(reporting_round, current_user.unit_id)
        carried = carried_values(reports)
        unchanged = [r for r in reports if unchanged_problem(r, carried) is None]
        sections.append((reporting_round, reports, submitted_count(reports), unchanged))
    # Between rounds (or in plans without an open round): the unit's measures as the public
    # sees them, with the way to their history, instead of a dead end.
    open_plans = {reporting_round.plan_id for reporting_round, *_ in sections}
    between = [
        (plan, measures, latest_public_reports(plan))
        for plan, measures in unit_measures_by_plan(current_user.unit_id)
        if plan.id not in open_plans
    ]
    return render_template(
        "reporting/start.html",
        sections=sections,
        between=between,
        ticked=set(ticked),
        refusal=refusal,
    )


@blueprint.post("/<slug>/ingen-endring")
@role_required(Role.CONTACT)
def confirm_unchanged_reports(slug: str):
    """Send the ticked pre-filled reports as they stand («ingen endring siden forrige runde»).
    A refusal shows the page again with the reason and the ticks kept."""
    reporting_round = _load_round(slug)
    reports = reports_for_unit(reporting_round, current_user.unit_id)
    by_number = {report.measure.number: report for report in reports}
    asked = request.form.getlist("measures")
    if not by_number or any(not n.isdigit() or int(n) not in by_number for n in asked):
        abort(403)  # a measure that is not the unit's
    form = ConfirmUnchangedForm()
    form.set_measure_choices(by_number)
    ticked = [(slug, int(n)) for n in asked]
    if not form.validate_on_submit():
        problems = [str(error) for error in form.measures.errors] or [
            _("Skjemaet var for gammelt. Prøv igjen.")
        ]
        return _render_start(ticked, " ".join(problems)), 400
    with unit_of_work(on_page(lambda error: _render_start(ticked, error.message))):
        count = confirm_unchanged([by_number[n] for n in form.measures.data], current_user)
    flash(
        ngettext(
            "%(num)d rapport er sendt til gjennomgang uten endringer.",
            "%(num)d rapporter er sendt til gjennomgang uten endringer.",
            count,
        ),
        "success",
    )
    return redirect(url_for("reporting.start"))


@blueprint.route("/<slug>/tiltak/<int:number>", methods=["GET", "POST"])
@login_required
def report(slug: str, number: int):
    report = _load_report(slug, number)
    if request.method == "GET":
        form = StatusReportForm(data=_report_data(report))
        return _render_report(report, form)
    if not is_responsible_contact(current_user, report):
        abort(403)
    form = StatusReportForm()
    if not form.validate_on_submit():
        return _render_report(report, form, posted=True), 400
    operation = submit_report if form.submitting else save_report
    refused = {
        # The same person's change sent again after an answer that never came: already stored.
        AlreadyStored: flash_and_redirect(
            url_for("reporting.report", slug=slug, number=number), category="info"
        ),
        # Both texts side by side; nothing of either is lost.
        EditConflict: on_page(lambda conflict: _render_conflict(report, form)),
        ReportingError: on_form(form, lambda: _render_report(report, form, posted=True)),
    }
    with unit_of_work(refused):
        changed = operation(
            report,
            form.version.data,
            Status(form.status.data),
            form.narrative.data,
            current_user,
            narrative_language=form.narrative_language.data or None,
            # Left out (a client that predates the field), the report keeps its Sámi text.
            narrative_se=form.narrative_se.data if "narrative_se" in request.form else None,
        )
    if form.submitting:
        flash(_("Rapporten er sendt til gjennomgang."), "success")
    elif changed:
        flash(_("Utkastet er lagret."), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for("reporting.report", slug=slug, number=number))


@blueprint.post("/<slug>/tiltak/<int:number>/trekk-tilbake")
@login_required
def withdraw(slug: str, number: int):
    report = _load_report(slug, number)
    if not is_responsible_contact(current_user, report):
        abort(403)
    form = VersionForm()
    here = url_for("reporting.report", slug=slug, number=number)
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work(flash_and_redirect(here)):
        withdraw_submission(report, form.version.data, current_user)
    flash(
        _("Rapporten er trukket tilbake og er et utkast igjen. Husk å sende den på nytt."),
        "success",
    )
    return redirect(here)


@blueprint.post("/<slug>/tiltak/<int:number>/rett")
@role_required(Role.COORDINATOR)
def correct(slug: str, number: int):
    """The coordinator fixes a typo without sending the report back."""
    report = _load_report(slug, number)
    form = CorrectionForm()
    if not form.validate_on_submit():
        return _render_correction_error(report, form), 400
    with unit_of_work(on_form(form, lambda: _render_correction_error(report, form))):
        changed = correct_report(
            report,
            form.version.data,
            Status(form.status.data),
            form.narrative.data,
            current_user,
        )
    if changed:
        flash(_("Rettelsen er lagret. Departementet ser den i historikken."), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for("reporting.report", slug=slug, number=number))


def _render_correction_error(report, correction_form):
    form = StatusReportForm(data=_report_data(report), formdata=None)
    return _render_report(report, form, correction_form=correction_form)


def _form_data(status, narrative, version, narrative_language) -> dict:
    return {
        "status": status.value,
        "narrative": narrative,
        "version": version,
        "narrative_language": narrative_language,
    }


def _report_data(report) -> dict:
    """The report as saved. A text already written keeps its language; an empty one is offered
    in the person's own interface language (nynorsk if they work in nynorsk)."""
    language = report.narrative_language if report.narrative.strip() else None
    data = _form_data(
        report.status,
        report.narrative,
        report.version,
        language or default_narrative_language(),
    )
    data["narrative_se"] = report.narrative_se
    return data


def _render_report(report, form, return_form=None, posted=False, correction_form=None):
    before, after = neighbours(
        report.round,
        report,
        current_user.unit_id if is_responsible_contact(current_user, report) else None,
    )
    returned = (
        latest_return_comment(report)
        if report.review_state in (ReviewState.SUBMITTED, ReviewState.RETURNED)
        else None
    )
    return render_template(
        "reporting/report.html",
        report=report,
        form=form,
        posted=posted,
        return_form=return_form or ReturnForm(formdata=None),
        correction_form=correction_form or CorrectionForm(formdata=None, data=_report_data(report)),
        withdraw_form=VersionForm(formdata=None, data={"version": report.version}),
        previous=previous_published_report(report),
        before=before,
        after=after,
        returned=returned,
        changed_since_return=_changes_since(report, returned),
        co_editors=_co_editors(report),
        next_waiting=(
            next_waiting(report.round, report.measure.number)
            if coordinates_round(current_user, report.round)
            else None
        ),
    )


def _changes_since(report, returned):
    """What the ministry changed after the coordinator sent the report back."""
    if returned is None or report.review_state != ReviewState.SUBMITTED:
        return None
    return diff.Comparison(
        from_version=returned.version,
        to_version=report.version,
        old_status=returned.new_status,
        new_status=report.status,
        pieces=diff.compare_text(returned.new_narrative, report.narrative),
    )


def _co_editors(report) -> list:
    """Everyone else who may edit this report: contacts of every responsible unit."""
    contacts = active_contacts_by_unit()
    return [
        contact
        for responsibility in report.measure.responsibilities
        for contact in contacts.get(responsibility.unit_id, [])
        if contact.id != current_user.id
    ]


def _render_conflict(report, typed_form):
    """Both texts side by side; the person's own text stays in the form, on the new version."""
    form = StatusReportForm(
        formdata=None,
        data=_form_data(
            Status(typed_form.status.data),
            typed_form.narrative.data,
            report.version,
            typed_form.narrative_language.data or report.narrative_language,
        ),
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

    def chosen(argument: str):
        version = request.args.get(argument, type=int)
        return by_version.get(version) if version is not None else None

    new = chosen("til") or (revisions[-1] if revisions else None)
    old = chosen("fra")
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
    """The rounds of the plans this coordinator coordinates, plan by plan."""
    plans = current_user.coordinated_plans
    by_plan: dict[int, list] = {plan.id: [] for plan in plans}
    for reporting_round in all_rounds(plans):
        by_plan[reporting_round.plan_id].append(reporting_round)
    return render_template(
        "reporting/rounds.html",
        plans=[(plan, by_plan[plan.id], _open_in(by_plan[plan.id])) for plan in plans],
    )


def _open_in(rounds_of_plan: list):
    return next((r for r in rounds_of_plan if r.state == RoundState.OPEN), None)


@blueprint.route("/runder/ny", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_round():
    form = OpenRoundForm()
    plans = {plan.slug: plan for plan in current_user.coordinated_plans}
    form.set_plan_choices(plans.values())
    if request.method == "GET" and request.args.get("plan") in plans:
        form.plan.data = request.args["plan"]
    if not form.validate_on_submit():
        return render_template("reporting/new_round.html", form=form), 400 if form.errors else 200
    # A refusal without a field of its own (a taken name, a round already open) is the slug's.
    page = on_form(form, lambda: render_template("reporting/new_round.html", form=form), "slug")
    with unit_of_work(page):
        reporting_round = open_round(
            plans[form.plan.data],
            form.slug.data,
            form.title.data,
            form.as_of.data,
            form.deadline.data,
            current_user,
        )
    flash(
        _(
            "Runden «%(title)s» er åpnet. Departementene kan nå rapportere.",
            title=reporting_round.title,
        ),
        "success",
    )
    return redirect(url_for("reporting.overview", slug=reporting_round.slug))


@blueprint.get("/<slug>/oversikt")
@role_required(Role.COORDINATOR)
def overview(slug: str):
    return _render_overview(_load_coordinated_round(slug))


@blueprint.post("/<slug>/godkjenn-flere")
@role_required(Role.COORDINATOR)
def approve_several(slug: str):
    """Approve the ticked reports from the overview; a refusal names the measure and keeps
    the ticks."""
    reporting_round = _load_coordinated_round(slug)
    asked = request.form.getlist("measures")
    if any(not n.isdigit() or len(n) > 9 for n in asked):
        abort(400)  # not a measure number (nor one the database could compare)
    ticked = [int(n) for n in asked]
    # Only the ticked reports: a round of 5,000 took a second and a half to load.
    chosen = reports_in_round(reporting_round, numbers=ticked)
    by_number = {report.measure.number: report for report in chosen}
    if any(n not in by_number for n in ticked):
        abort(400)  # a measure that is not in the round
    refused = on_page(
        lambda error: _render_overview(reporting_round, ticked=ticked, approve_error=error.message)
    )
    with unit_of_work(refused):
        count = approve_reports([by_number[n] for n in ticked], current_user)
    flash(
        ngettext(
            "%(num)d rapport er godkjent.",
            "%(num)d rapporter er godkjent.",
            count,
        ),
        "success",
    )
    return redirect(url_for("reporting.overview", slug=slug, rapport=request.form.get("rapport")))


def _render_overview(reporting_round, ticked=(), approve_error=None, close_form=None):
    # Counted from plain rows; only the page of reports shown is loaded as entities.
    reports = report_states(reporting_round)
    rows = progress_by_unit(
        reports, active_contacts_by_unit(), unit_positions(reporting_round.plan)
    )
    totals = {progress: sum(row.counts[progress] for row in rows) for progress in Progress}
    wanted = request.values.get("rapport", "")
    if wanted not in {progress.value for progress in Progress}:
        wanted = ""
    shown = (
        [report for report in reports if progress_of(report).value == wanted] if wanted else reports
    )
    page_number, _problems = parse_page(request.args)  # a page that is not there: the first
    page = report_page(shown, page_number)
    return render_template(
        "reporting/overview.html",
        reporting_round=reporting_round,
        report_total=len(reports),
        page=page,
        wanted=wanted,
        rows=rows,
        totals=totals,
        overdue_total=sum(len(row.overdue) for row in rows),
        waiting_count=len(waiting_for_review(reports)),
        Progress=Progress,
        nynorsk=nynorsk_share(reports),
        nynorsk_approved=nynorsk_share(reports, approved_only=True),
        nynorsk_minimum=int(NYNORSK_MINIMUM_SHARE * 100),
        close_form=close_form or CloseRoundForm(formdata=None),
        deadline_form=DeadlineForm(formdata=None, data={"deadline": reporting_round.deadline}),
        closes_early=closes_before_deadline(reporting_round),
        ticked=set(ticked),
        approve_error=approve_error,
    )


@blueprint.post("/<slug>/frist")
@role_required(Role.COORDINATOR)
def deadline(slug: str):
    reporting_round = _load_coordinated_round(slug)
    form = DeadlineForm()
    here = url_for("reporting.overview", slug=slug)
    if not form.validate_on_submit():
        for error in form.deadline.errors:
            flash(str(error), "error")
        return redirect(here)
    return _coordinator_action(
        lambda: change_deadline(reporting_round, form.deadline.data, current_user),
        _("Fristen er endret.") if form.deadline.data else _("Fristen er fjernet."),
        here,
    )


@blueprint.post("/<slug>/lukk")
@role_required(Role.COORDINATOR)
def close(slug: str):
    reporting_round = _load_coordinated_round(slug)
    form = CloseRoundForm()
    # A refusal (the tick missing before the deadline) is shown on the overview, in an error
    # summary that gets the focus and points to the tick box.
    page = lambda: _render_overview(reporting_round, close_form=form)  # noqa: E731
    if not form.validate_on_submit():
        return page(), 400
    refused = on_form(form, page, "before_deadline")
    with unit_of_work(refused):
        close_round(
            reporting_round, current_user, before_deadline_confirmed=form.before_deadline.data
        )
    flash(_("Runden er lukket. Departementene kan ikke lenger endre rapportene."), "success")
    return redirect(url_for("reporting.overview", slug=slug))


@blueprint.get("/<slug>/publiser")
@role_required(Role.COORDINATOR)
def confirm_publish(slug: str):
    """What the public will see once the round is published, before anything becomes public."""
    reporting_round = _load_coordinated_round(slug)
    # Counted from plain rows; the measures without an approved report are listed a page at a
    # time, each page's reports and public statuses loaded alone.
    reports = report_states(reporting_round)
    missing = [report for report in reports if report.review_state != ReviewState.APPROVED]
    page_number, _problems = parse_page(request.args)  # a page that is not there: the first
    page = report_page(missing, page_number)
    public = latest_public_reports(
        reporting_round.plan, measure_ids=[report.measure_id for report in page.reports]
    )
    return render_template(
        "reporting/publish.html",
        reporting_round=reporting_round,
        summary=status_summary(reporting_round),
        statuses=STATUS_ORDER,
        gaps=publication_gaps(page.reports, public),
        page=page,
        nynorsk=nynorsk_share(reports, approved_only=True),
        nynorsk_minimum=int(NYNORSK_MINIMUM_SHARE * 100),
    )


@blueprint.post("/<slug>/gjenapne")
@role_required(Role.COORDINATOR)
def reopen(slug: str):
    reporting_round = _load_coordinated_round(slug)
    return _coordinator_action(
        lambda: reopen_round(reporting_round, current_user),
        _("Runden er åpnet igjen. Departementene kan endre og sende inn rapporter."),
        url_for("reporting.overview", slug=slug),
    )


@blueprint.post("/<slug>/avpubliser")
@role_required(Role.COORDINATOR)
def unpublish(slug: str):
    reporting_round = _load_coordinated_round(slug)
    return _coordinator_action(
        lambda: withdraw_publication(reporting_round, current_user),
        _(
            "Publiseringen er trukket tilbake. Den offentlige siden viser igjen forrige "
            "publiserte status."
        ),
        url_for("reporting.overview", slug=slug),
    )


@blueprint.post("/<slug>/publiser")
@role_required(Role.COORDINATOR)
def publish(slug: str):
    reporting_round = _load_coordinated_round(slug)
    return _coordinator_action(
        lambda: publish_round(reporting_round, current_user),
        _("Runden er publisert. De godkjente rapportene er nå den offentlige statusen."),
        url_for("reporting.overview", slug=slug),
    )


@blueprint.post("/<slug>/tiltak/<int:number>/godkjenn")
@role_required(Role.COORDINATOR)
def approve(slug: str, number: int):
    report = _load_report(slug, number)
    here = url_for("reporting.report", slug=slug, number=number)
    with unit_of_work(flash_and_redirect(here)):
        approve_report(report, current_user)
    # Review at speed: straight on to the next report waiting, if there is one.
    following = next_waiting(report.round, number)
    if following is None:
        flash(_("Rapporten for tiltak %(number)d er godkjent.", number=number), "success")
        return redirect(here)
    flash(
        _(
            "Rapporten for tiltak %(number)d er godkjent. Her er neste som venter: "
            "tiltak %(following)d.",
            number=number,
            following=following,
        ),
        "success",
    )
    return redirect(url_for("reporting.report", slug=slug, number=following))


@blueprint.post("/<slug>/gjennomgang-ferdig")
@role_required(Role.COORDINATOR)
def review_done(slug: str):
    """«Ferdig med gjennomgangen»: the decisions gathered so far go out now, one message per
    contact person, instead of after the quiet period."""
    reporting_round = _load_coordinated_round(slug)
    back = request.form.get("next", "")
    here = back if back.startswith("/rapportering/") else url_for("reporting.overview", slug=slug)
    with unit_of_work(flash_and_redirect(here)):
        sent = release_review_notices(round_id=reporting_round.id)
    if sent:
        flash(
            ngettext(
                "Tilbakemeldingene er samlet i %(num)d e-post til departementenes kontaktpersoner.",
                "Tilbakemeldingene er samlet i %(num)d e-poster til departementenes "
                "kontaktpersoner.",
                sent,
            ),
            "success",
        )
    else:
        flash(_("Det er ingen nye tilbakemeldinger å sende."), "info")
    return redirect(here)


@blueprint.post("/<slug>/tiltak/<int:number>/send-tilbake")
@role_required(Role.COORDINATOR)
def send_back(slug: str, number: int):
    report = _load_report(slug, number)
    return_form = ReturnForm()
    if not return_form.validate_on_submit():
        return _render_return_error(report, return_form), 400
    with unit_of_work(
        on_form(return_form, lambda: _render_return_error(report, return_form), "comment")
    ):
        return_report(report, return_form.comment.data, current_user)
    flash(
        _("Rapporten for tiltak %(number)d er sendt tilbake til departementet.", number=number),
        "success",
    )
    return redirect(url_for("reporting.report", slug=slug, number=number))


def _render_return_error(report, return_form):
    form = StatusReportForm(data=_report_data(report), formdata=None)
    return _render_report(report, form, return_form=return_form)


def _coordinator_action(operation, success_message: str, next_url: str):
    with unit_of_work(flash_and_redirect(next_url)):
        operation()
    flash(success_message, "success")
    return redirect(next_url)
