"""The coordinator's plan pages: a plan's measures and areas, edited in the browser. Thin: load
(with the permission rule), call an operation in the request's unit of work (which also shows
a refusal), render or redirect."""

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.extensions import csrf
from tracker.measures.models import Area, Measure
from tracker.ministries.models import UnitKind
from tracker.ministries.operations import merge_units, rename_unit, split_unit
from tracker.ministries.queries import get_unit, measures_of_unit, unit_plans, units_of_plans
from tracker.plan import spreadsheet
from tracker.plan.context import load_plan
from tracker.plan.forms import (
    AreaForm,
    MeasureForm,
    MergeUnitForm,
    PlanSpreadsheetForm,
    RenameAreaForm,
    RenameUnitForm,
    RetireForm,
    SplitUnitForm,
    SuccessorForm,
)
from tracker.plan.operations import (
    MeasureEditConflict,
    PlanEditError,
    add_area,
    add_measure,
    edit_measure,
    import_plan_spreadsheet,
    make_successor,
    next_measure_number,
    rename_area,
    retire_measure,
    units_named,
)
from tracker.plan.permissions import can_edit_plan, can_make_plans, can_reorganise_unit
from tracker.plan.queries import (
    editable_measure,
    plan_areas,
    plan_changes,
    plan_measure_page,
    plan_measures,
)
from tracker.public.filters import parse_page
from tracker.reporting import diff
from tracker.reporting.workflow_queries import today
from tracker.spreadsheets.workbook import XLSX_MIMETYPE
from tracker.unit_of_work import on_form, on_page, unit_of_work
from tracker.uploads import accepts_upload

blueprint = Blueprint("plan_editing", __name__, url_prefix="/planarbeid")
# What a multipart form adds around the file (boundaries, the CSRF token, headers).
FORM_OVERHEAD = 64 * 1024
LIMIT_MB = spreadsheet.MAX_SPREADSHEET_BYTES // 1024 // 1024
PLAN = "/<plan_slug>"


def _load_edited_plan(plan_slug: str):
    """The plan, if this coordinator coordinates it: 404 for no such plan, 403 for another's."""
    plan = load_plan(plan_slug)
    if not can_edit_plan(current_user, plan):
        abort(403)
    return plan


def _load_measure(plan, number: int) -> Measure:
    return editable_measure(plan, number) or abort(404)


def _load_area(plan, key: str) -> Area:
    return next((area for area in plan_areas(plan) if area.key == key), None) or abort(404)


@blueprint.get("/")
@role_required(Role.COORDINATOR)
def index():
    return render_template("plan_editing/index.html", plans=current_user.coordinated_plans)


@blueprint.get(f"{PLAN}/")
@role_required(Role.COORDINATOR)
def plan(plan_slug: str):
    plan = _load_edited_plan(plan_slug)
    page_number, _problems = parse_page(request.args)  # a page that is not there: the first
    return render_template(
        "plan_editing/plan.html",
        plan=plan,
        areas=plan_areas(plan),
        page=plan_measure_page(plan, page_number),
    )


@blueprint.get(f"{PLAN}/endringer")
@role_required(Role.COORDINATOR)
def changes(plan_slug: str):
    plan = _load_edited_plan(plan_slug)
    return render_template("plan_editing/changes.html", plan=plan, changes=plan_changes(plan))


# --- Measures ----------------------------------------------------------------------------------


@blueprint.route(f"{PLAN}/tiltak/ny", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_measure(plan_slug: str):
    plan = _load_edited_plan(plan_slug)
    form = MeasureForm()
    form.set_area_choices(plan_areas(plan))

    def page():
        return render_template("plan_editing/measure_form.html", plan=plan, form=form, measure=None)

    if not form.validate_on_submit():
        if request.method == "GET":
            form.number.data = next_measure_number(plan)
        return page(), 400 if form.errors else 200
    with unit_of_work(on_form(form, page)):
        measure = add_measure(
            plan,
            _chosen_area(plan, form),
            form.title.data,
            form.description.data,
            units_named(form.unit_abbreviations()),
            current_user,
            number=form.number.data,
        )
    flash(_("Tiltak %(number)d er lagt til i planen.", number=measure.number), "success")
    return redirect(url_for("plan_editing.plan"))


@blueprint.route(f"{PLAN}/tiltak/<int:number>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit(plan_slug: str, number: int):
    plan = _load_edited_plan(plan_slug)
    measure = _load_measure(plan, number)
    if request.method == "GET":
        form = MeasureForm(data=_measure_data(measure))
    else:
        form = MeasureForm()
    form.set_area_choices(plan_areas(plan))

    def page():
        return render_template(
            "plan_editing/measure_form.html",
            plan=plan,
            form=form,
            measure=measure,
            retire_form=RetireForm(
                formdata=None, data={"retired_on": today(), "version": measure.version}
            ),
        )

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    refused = {
        MeasureEditConflict: on_page(lambda conflict: _render_conflict(plan, measure, form)),
        PlanEditError: on_form(form, page),
    }
    with unit_of_work(refused):
        changed = edit_measure(
            measure,
            form.version.data if form.version.data is not None else -1,
            title=form.title.data,
            description=form.description.data,
            area=_chosen_area(plan, form),
            units=units_named(form.unit_abbreviations()),
            author=current_user,
            summary_se=form.summary_se.data if "summary_se" in request.form else None,
        )
    if changed:
        flash(_("Endringene i tiltak %(number)d er lagret.", number=number), "success")
    else:
        flash(_("Ingen endringer å lagre."), "info")
    return redirect(url_for("plan_editing.edit", number=number))


@blueprint.post(f"{PLAN}/tiltak/<int:number>/avslutt")
@role_required(Role.COORDINATOR)
def retire(plan_slug: str, number: int):
    plan = _load_edited_plan(plan_slug)
    measure = _load_measure(plan, number)
    form = RetireForm()

    def page():
        edit_form = MeasureForm(formdata=None, data=_measure_data(measure))
        edit_form.set_area_choices(plan_areas(plan))
        return render_template(
            "plan_editing/measure_form.html",
            plan=plan,
            form=edit_form,
            measure=measure,
            retire_form=form,
        )

    if not form.validate_on_submit():
        return page(), 400
    with unit_of_work(on_form(form, page)):
        retire_measure(
            measure, form.version.data, form.retired_on.data, form.reason.data, current_user
        )
    flash(
        _(
            "Tiltak %(number)d er avsluttet eller tatt ut av planen. Historikken er fortsatt "
            "offentlig.",
            number=number,
        ),
        "success",
    )
    return redirect(url_for("plan_editing.edit", number=number))


def _chosen_area(plan, form: MeasureForm) -> Area:
    area = next((a for a in plan_areas(plan) if a.key == form.area.data), None)
    if area is None:
        raise PlanEditError(_("Velg et av planens hovedområder."), field="area")
    return area


def _measure_data(measure: Measure) -> dict:
    return {
        "number": measure.number,
        "title": measure.title,
        "description": measure.description,
        "summary_se": measure.summary_se,
        "area": measure.area.key,
        "units": ", ".join(unit.abbreviation for unit in measure.units),
        "version": measure.version,
    }


def _render_conflict(plan, measure: Measure, typed: MeasureForm):
    """The saved text beside the coordinator's own, which stays in the form on the new version."""
    form = MeasureForm(
        formdata=None,
        data={
            "number": measure.number,
            "title": typed.title.data,
            "description": typed.description.data,
            "area": typed.area.data,
            "units": typed.units.data,
            "version": measure.version,
        },
    )
    form.set_area_choices(plan_areas(plan))
    return render_template(
        "plan_editing/conflict.html",
        plan=plan,
        measure=measure,
        form=form,
        title_pieces=diff.compare_text(measure.title, typed.title.data or ""),
        description_pieces=diff.compare_text(measure.description, typed.description.data or ""),
    )


# --- Areas -------------------------------------------------------------------------------------


@blueprint.route(f"{PLAN}/omrader/ny", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_area(plan_slug: str):
    plan = _load_edited_plan(plan_slug)
    form = AreaForm()

    def page():
        return render_template("plan_editing/area_form.html", plan=plan, form=form, area=None)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    with unit_of_work(on_form(form, page)):
        area = add_area(plan, form.key.data, form.name.data, form.name_en.data, current_user)
    flash(_("Hovedområdet «%(name)s» er lagt til.", name=area.name), "success")
    return redirect(url_for("plan_editing.plan"))


@blueprint.route(f"{PLAN}/omrader/<key>", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def edit_area(plan_slug: str, key: str):
    plan = _load_edited_plan(plan_slug)
    area = _load_area(plan, key)
    form = RenameAreaForm(data={"name": area.name, "name_en": area.name_en})

    def page():
        return render_template("plan_editing/area_form.html", plan=plan, form=form, area=area)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    with unit_of_work(on_form(form, page)):
        changed = rename_area(area, form.name.data, form.name_en.data, current_user)
    flash(
        _("Hovedområdet har fått nytt navn.") if changed else _("Ingen endringer å lagre."),
        "success" if changed else "info",
    )
    return redirect(url_for("plan_editing.plan"))


# --- Responsible units: reorganisations --------------------------------------------------------


def _load_unit(abbreviation: str):
    """The unit, if this coordinator coordinates every plan it takes part in: a unit is shared,
    and its new name, merger or split changes all of them."""
    unit = get_unit(abbreviation) or abort(404)
    if not can_reorganise_unit(current_user, unit_plans(unit)):
        abort(403)
    return unit


@blueprint.get("/enheter")
@role_required(Role.COORDINATOR)
def units():
    listed = units_of_plans(current_user.coordinated_plans)
    return render_template(
        "plan_editing/units.html",
        units=[(unit, can_reorganise_unit(current_user, unit_plans(unit))) for unit in listed],
    )


@blueprint.get("/enheter/<abbreviation>")
@role_required(Role.COORDINATOR)
def unit(abbreviation: str):
    unit = _load_unit(abbreviation)
    return _render_unit(unit)


def _render_unit(unit, rename_form=None, merge_form=None, split_form=None):
    rename_form = rename_form or RenameUnitForm(
        formdata=None, data={"abbreviation": unit.abbreviation, "name": unit.name}
    )
    merge_form = merge_form or MergeUnitForm(formdata=None)
    split_form = split_form or SplitUnitForm(formdata=None, data={"kind": unit.kind.value})
    _unit_choices(unit, merge_form, split_form)
    return render_template(
        "plan_editing/unit.html",
        unit=unit,
        plans=unit_plans(unit),
        rename_form=rename_form,
        merge_form=merge_form,
        split_form=split_form,
    )


def _unit_choices(unit, merge_form: MergeUnitForm, split_form: SplitUnitForm) -> None:
    others = [u for u in units_of_plans(current_user.coordinated_plans) if u.id != unit.id]
    merge_form.into.choices = [
        SelectChoice(u.abbreviation, f"{u.abbreviation} – {u.name}") for u in others
    ]
    split_form.measures.choices = [
        SelectChoice(measure.id, f"{measure.plan.slug}: {measure.number} {measure.title}")
        for measure in measures_of_unit(unit)
    ]


@blueprint.post("/enheter/<abbreviation>/nytt-navn")
@role_required(Role.COORDINATOR)
def rename(abbreviation: str):
    unit = _load_unit(abbreviation)
    form = RenameUnitForm()
    if not form.validate_on_submit():
        return _render_unit(unit, rename_form=form), 400
    with unit_of_work(on_form(form, lambda: _render_unit(unit, rename_form=form))):
        changed = rename_unit(unit, form.abbreviation.data, form.name.data, current_user)
    flash(
        _("Enheten har fått nytt navn. Rapporter fra før beholder det gamle.")
        if changed
        else _("Ingen endringer å lagre."),
        "success" if changed else "info",
    )
    return redirect(url_for("plan_editing.unit", abbreviation=unit.abbreviation))


@blueprint.post("/enheter/<abbreviation>/slaa-sammen")
@role_required(Role.COORDINATOR)
def merge(abbreviation: str):
    unit = _load_unit(abbreviation)
    form = MergeUnitForm()
    page = lambda: _render_unit(unit, merge_form=form)  # noqa: E731
    if not form.validate_on_submit():
        return page(), 400
    with unit_of_work(on_form(form, page, "into")):
        into = get_unit(form.into.data or "")
        if into is None or not can_reorganise_unit(current_user, unit_plans(into)):
            raise PlanEditError(_("Velg en av enhetene i planene du koordinerer."), field="into")
        merge_units(unit, into, current_user)
    flash(
        _(
            "%(merged)s er slått sammen med %(into)s. Rapporter fra før beholder navnet enheten "
            "hadde da.",
            merged=unit.abbreviation,
            into=into.abbreviation,
        ),
        "success",
    )
    return redirect(url_for("plan_editing.unit", abbreviation=into.abbreviation))


@blueprint.post("/enheter/<abbreviation>/del")
@role_required(Role.COORDINATOR)
def split(abbreviation: str):
    unit = _load_unit(abbreviation)
    form = SplitUnitForm()
    page = lambda: _render_unit(unit, split_form=form)  # noqa: E731
    if not form.validate_on_submit():
        return page(), 400
    chosen = {measure.id: measure for measure in measures_of_unit(unit)}
    with unit_of_work(on_form(form, page, "measures")):
        if any(measure_id not in chosen for measure_id in form.measures.data or []):
            raise PlanEditError(_("Enheten er ikke ansvarlig for alle tiltakene du valgte."))
        new_unit = split_unit(
            unit,
            form.abbreviation.data,
            form.name.data,
            UnitKind(form.kind.data),
            [chosen[measure_id] for measure_id in form.measures.data or []],
            current_user,
        )
    flash(
        _(
            "%(new)s har tatt over de valgte tiltakene fra %(old)s.",
            new=new_unit.abbreviation,
            old=unit.abbreviation,
        ),
        "success",
    )
    return redirect(url_for("plan_editing.unit", abbreviation=new_unit.abbreviation))


# --- Making a plan from a spreadsheet ----------------------------------------------------------


@blueprint.get("/mal.xlsx")
@role_required(Role.COORDINATOR)
def spreadsheet_template():
    response = make_response(spreadsheet.template())
    response.headers["Content-Type"] = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = 'attachment; filename="planmal.xlsx"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# CSRF is checked by the form itself, after the size check below: CSRFProtect would read
# the body first and answer an oversized one with the bare 413 page instead of the form.
@csrf.exempt
@blueprint.route("/ny-plan", methods=["GET", "POST"])
@accepts_upload(spreadsheet.MAX_SPREADSHEET_BYTES + FORM_OVERHEAD)
@role_required(Role.COORDINATOR)
def import_spreadsheet():
    if not can_make_plans(current_user):
        abort(403)
    form = PlanSpreadsheetForm(formdata=None)
    problems: list[str] = []

    def page(status: int = 200):
        return render_template(
            "plan_editing/import.html", form=form, problems=problems, limit=LIMIT_MB
        ), status

    if request.method == "GET":
        return page()
    # Refused by its size before a byte of it is read.
    size = request.content_length or 0
    if size > spreadsheet.MAX_SPREADSHEET_BYTES + FORM_OVERHEAD:
        form.file.errors = [spreadsheet.too_large_message(size)]
        return page(413)
    form = PlanSpreadsheetForm()
    if not form.validate_on_submit():
        return page(400)

    def refused(error):
        problems.extend(getattr(error, "problems", []))
        form.file.errors = [error.message]
        return page(error.status)[0]

    with unit_of_work(on_page(refused)):
        plan = import_plan_spreadsheet(form.file.data.read(), current_user)
    flash(
        _("Planen «%(title)s» er laget. Du koordinerer den.", title=plan.title),
        "success",
    )
    return redirect(url_for("plan_editing.plan", plan_slug=plan.slug))


# --- «Lag etterfølgerplan» ----------------------------------------------------------------------


@blueprint.route(f"{PLAN}/etterfolger", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def successor(plan_slug: str):
    plan = _load_edited_plan(plan_slug)
    measures = plan_measures(plan)
    if request.method == "GET":
        span = plan.last_year - plan.first_year
        form = SuccessorForm(
            data={
                "first_year": plan.last_year + 1,
                "last_year": plan.last_year + 1 + span,
                "measures": [m.id for m in measures if not m.retired_on],
            }
        )
    else:
        form = SuccessorForm()
    form.measures.choices = [SelectChoice(m.id, f"{m.number}. {m.title}") for m in measures]

    def page():
        return render_template("plan_editing/successor.html", plan=plan, form=form)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    by_id = {measure.id: measure for measure in measures}
    with unit_of_work(on_form(form, page)):
        if any(measure_id not in by_id for measure_id in form.measures.data or []):
            raise PlanEditError(_("Alle tiltakene må være fra planen som videreføres."))
        new_plan = make_successor(
            plan,
            slug=form.slug.data,
            title=form.title.data,
            first_year=form.first_year.data,
            last_year=form.last_year.data,
            measures=[by_id[measure_id] for measure_id in form.measures.data or []],
            author=current_user,
        )
    flash(
        _(
            "Etterfølgerplanen «%(title)s» er laget med %(count)d tiltak. Du koordinerer den.",
            title=new_plan.title,
            count=len(form.measures.data),
        ),
        "success",
    )
    return redirect(url_for("plan_editing.plan", plan_slug=new_plan.slug))
