"""The results pages: the contact person's results for a round, evidence downloads, and the
coordinator's milestones, indicators and budget per measure. Thin, like tracker/reporting/."""

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.plan.context import load_plan, use_plan
from tracker.public.queries import public_measure
from tracker.reporting.permissions import (
    can_edit_report,
    can_view_report,
    coordinates,
    coordinates_round,
)
from tracker.reporting.queries import get_round
from tracker.reporting.workflow_queries import get_report, today
from tracker.results import files
from tracker.results.forms import (
    BudgetForm,
    IndicatorForm,
    MilestoneForm,
    results_form_class,
    results_form_data,
)
from tracker.results.models import Direction, Evidence
from tracker.results.operations import (
    FileInput,
    LinkInput,
    ValueInput,
    add_indicator,
    add_milestone,
    remove_budget_line,
    remove_evidence,
    remove_indicator,
    remove_milestone,
    save_results,
    set_budget_line,
    set_evidence_internal,
)
from tracker.results.parsing import ParseError, parse_date
from tracker.results.queries import (
    budget_of,
    earlier_values,
    evidence_by_stored_name,
    evidence_of,
    indicators_of,
    is_public_evidence,
    milestones_of,
    values_in_report,
)
from tracker.unit_of_work import flash_and_redirect, on_form, unit_of_work
from tracker.uploads import accepts_upload

blueprint = Blueprint("results", __name__)
# Downloads of evidence files: open to anyone for a file that is public, else to the people who
# may see its report (the rule is in the view, and tests/test_results_form.py checks it).
downloads = Blueprint("evidence_files", __name__)

# A request may carry one 20 MB file and the rest of the form; a larger one is refused with 413
# before it is read. A file between 20 MB and this is refused at its field, with the rest kept.
MAX_UPLOAD_REQUEST_BYTES = files.MAX_BYTES + 5 * 1024 * 1024


def _load_report(slug: str, number: int):
    reporting_round = get_round(slug)
    if reporting_round is None:
        abort(404)
    use_plan(reporting_round.plan)
    report = get_report(reporting_round, number)
    if report is None:
        abort(404)
    if not can_view_report(current_user, report):
        abort(403)
    return report


@blueprint.route("/rapportering/<slug>/tiltak/<int:number>/resultater", methods=["GET", "POST"])
@login_required
@accepts_upload(MAX_UPLOAD_REQUEST_BYTES)
def report_results(slug: str, number: int):
    report = _load_report(slug, number)
    milestones, indicators = milestones_of(report.measure), indicators_of(report.measure)
    form_class = results_form_class(report.round.plan, milestones, indicators, today())
    if request.method == "GET":
        data = results_form_data(milestones, indicators, values_in_report(report))
        return _render(report, form_class(formdata=None, data=data), milestones, indicators)
    if not can_edit_report(current_user, report):
        abort(403)
    form = form_class()
    if not form.validate_on_submit():
        return _render(report, form, milestones, indicators), 400
    page = lambda: _render(report, form, milestones, indicators)  # noqa: E731
    with unit_of_work(on_form(form, page)):
        changed = save_results(
            report,
            {m: form[f"milestone_{m.id}"].parsed for m in milestones},
            [
                ValueInput(
                    indicator=indicator,
                    value=form[f"value_{indicator.id}"].parsed,
                    period=_text(form[f"period_{indicator.id}"]),
                    comment=_text(form[f"comment_{indicator.id}"]),
                    unchanged=form[f"unchanged_{indicator.id}"].data,
                )
                for indicator in indicators
            ],
            _files(form),
            _links(form),
        )
    if changed:
        flash(_("Resultatene er lagret."), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for("results.report_results", slug=slug, number=number))


def _text(field) -> str:
    return (field.data or "").strip()


def _files(form) -> list[FileInput]:
    if form.evidence_file.parsed is None:
        return []
    name, data, kind = form.evidence_file.parsed
    # Some clients send the whole path («/home/ola/rapport.pdf»): the name is its end.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return [FileInput(name, data, kind, _text(form.evidence_file_title))]


def _links(form) -> list[LinkInput]:
    if form.evidence_url.parsed is None:
        return []
    return [LinkInput(form.evidence_url.parsed, _text(form.evidence_url_title))]


def _render(report, form, milestones, indicators):
    return render_template(
        "results/report_results.html",
        report=report,
        form=form,
        milestones=milestones,
        indicators=indicators,
        earlier=earlier_values(report),
        evidence=evidence_of(report),
        editable=can_edit_report(current_user, report),
        coordinator=coordinates_round(current_user, report.round),
        accept=files.ACCEPT,
        max_bytes=files.MAX_BYTES,
    )


@blueprint.post("/rapportering/<slug>/tiltak/<int:number>/vedlegg/<int:evidence_id>/fjern")
@login_required
def remove(slug: str, number: int, evidence_id: int):
    report = _load_report(slug, number)
    if not can_edit_report(current_user, report):
        abort(403)
    evidence = _evidence_in(report, evidence_id)
    here = url_for("results.report_results", slug=slug, number=number)
    with unit_of_work(flash_and_redirect(here)):
        remove_evidence(evidence)
    flash(_("Vedlegget er fjernet."), "success")
    return redirect(here)


@blueprint.post("/rapportering/<slug>/tiltak/<int:number>/vedlegg/<int:evidence_id>/intern")
@role_required(Role.COORDINATOR)
def toggle_internal(slug: str, number: int, evidence_id: int):
    """The coordinator keeps a piece of evidence off the public pages, or lets it back on."""
    report = _load_report(slug, number)
    if not coordinates_round(current_user, report.round):
        abort(403)
    evidence = _evidence_in(report, evidence_id)
    internal = request.form.get("internal") == "1"
    here = url_for("results.report_results", slug=slug, number=number)
    with unit_of_work(flash_and_redirect(here)):
        set_evidence_internal(evidence, internal)
    flash(
        _("Vedlegget er bare for intern bruk.") if internal else _("Vedlegget kan publiseres."),
        "success",
    )
    return redirect(here)


def _evidence_in(report, evidence_id: int) -> Evidence:
    evidence = next((e for e in evidence_of(report) if e.id == evidence_id), None)
    if evidence is None:
        abort(404)
    return evidence


@downloads.get("/vedlegg/<stored_name>")
def download(stored_name: str):
    """A file, only ever as a download: public with its approved, published report unless
    kept internal; before that, to the people who may see the report."""
    evidence = evidence_by_stored_name(stored_name)
    if evidence is None or evidence.is_link:
        abort(404)
    if not is_public_evidence(evidence) and not can_view_report(current_user, evidence.report):
        abort(404)  # not 403: whether an unpublished file exists is not for everyone to know
    response = send_file(
        io.BytesIO(evidence.content or b""),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.original_name or evidence.stored_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"  # also set site-wide; never sniffed
    response.cache_control.private = True
    response.cache_control.no_store = not is_public_evidence(evidence)
    return response


# --- The coordinator ---------------------------------------------------------------------------


@blueprint.route(
    "/koordinator/planer/<plan_slug>/tiltak/<int:number>/resultater", methods=["GET", "POST"]
)
@role_required(Role.COORDINATOR)
def measure_results(plan_slug: str, number: int):
    """The coordinator adds milestones, indicators and budget lines to a measure."""
    plan = load_plan(plan_slug)
    if not coordinates(current_user, plan):
        abort(403)
    measure = public_measure(plan, number) or abort(404)
    forms: dict[str, FlaskForm] = {
        "milestone": MilestoneForm(prefix="milestone"),
        "indicator": IndicatorForm(prefix="indicator"),
        "budget": BudgetForm(prefix="budget"),
    }
    page = lambda: _coordinator_page(measure, forms)  # noqa: E731
    if request.method == "GET":
        return page()
    which = request.form.get("form", "")
    form = forms.get(which) or abort(400)
    if not form.validate_on_submit():
        return page(), 400
    with unit_of_work(on_form(form, page)):
        _ADDERS[which](plan, measure, form)
    flash(_MESSAGES[which](), "success")
    return redirect(url_for("results.measure_results", plan_slug=plan_slug, number=number))


@blueprint.post("/koordinator/planer/<plan_slug>/tiltak/<int:number>/resultater/fjern")
@role_required(Role.COORDINATOR)
def remove_result(plan_slug: str, number: int):
    """The coordinator removes a milestone, an indicator or a budget line made by mistake."""
    plan = load_plan(plan_slug)
    if not coordinates(current_user, plan):
        abort(403)
    measure = public_measure(plan, number) or abort(404)
    kind, wanted = request.form.get("kind", ""), request.form.get("id", "")
    here = url_for("results.measure_results", plan_slug=plan_slug, number=number)
    with unit_of_work(flash_and_redirect(here)):
        if kind == "milestone":
            remove_milestone(_one(milestones_of(measure), wanted))
            message = _("Delmålet er fjernet.")
        elif kind == "indicator":
            remove_indicator(_one(indicators_of(measure), wanted))
            message = _("Indikatoren er fjernet.")
        elif kind == "budget":
            remove_budget_line(_one(budget_of(measure), wanted))
            message = _("Budsjettlinjen er fjernet.")
        else:
            abort(400)
    flash(message, "success")
    return redirect(here)


def _one(rows: list, wanted: str):
    """The row of this measure's with the id asked for: 404 for any other."""
    return next((row for row in rows if str(row.id) == wanted), None) or abort(404)


def _add_milestone(plan, measure, form) -> None:
    try:
        due_on = parse_date(form.due_on.data, plan.first_year, period=plan.period)
    except ParseError as refused:
        refused.field = "due_on"
        raise
    add_milestone(measure, _text(form.title), due_on, _text(form.note))


def _add_indicator(plan, measure, form) -> None:
    add_indicator(
        measure,
        _text(form.name),
        _text(form.unit),
        Direction(form.direction.data),
        (form.baseline_value.parsed, form.baseline_year.parsed),
        (form.target_value.parsed, form.target_year.parsed),
        _text(form.source),
    )


def _add_budget_line(plan, measure, form) -> None:
    set_budget_line(
        measure, form.year.parsed, form.allocated.parsed, form.spent.parsed, _text(form.source)
    )


_ADDERS = {"milestone": _add_milestone, "indicator": _add_indicator, "budget": _add_budget_line}
_MESSAGES = {
    "milestone": lambda: _("Delmålet er lagt til."),
    "indicator": lambda: _("Indikatoren er lagt til."),
    "budget": lambda: _("Budsjettet er lagret."),
}


def _coordinator_page(measure, forms):
    return render_template(
        "results/measure_results.html",
        measure=measure,
        milestones=milestones_of(measure),
        indicators=indicators_of(measure),
        budget=budget_of(measure),
        forms=forms,
    )
