"""The spreadsheets of the reporting workflow: a contact person downloads their unit's sheet
for an open round, uploads it, sees the preview and confirms; a coordinator exports a round's
reports, or every round of a plan. Thin: load with the permission rule, call, render."""

from urllib.parse import quote

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
from flask_babel import ngettext
from flask_login import current_user

from tracker.auth.models import Role
from tracker.auth.permissions import role_required
from tracker.plan.context import load_plan
from tracker.reporting.operations import EditConflict, ReportingError
from tracker.reporting.permissions import coordinates, coordinates_round
from tracker.reporting.queries import get_round
from tracker.reporting.states import RoundState
from tracker.reporting.workflow_queries import all_rounds, reports_for_unit
from tracker.spreadsheets import upload as sheet_upload
from tracker.spreadsheets.export import build_reports_export
from tracker.spreadsheets.forms import ConfirmSheetForm, SheetUploadForm
from tracker.spreadsheets.operations import apply_preview, discard_upload, store_upload
from tracker.spreadsheets.queries import (
    get_upload,
    preview_upload,
    round_reports_for_export,
    round_sheet,
)
from tracker.spreadsheets.round_sheet import build_round_sheet
from tracker.spreadsheets.workbook import XLSX_MIMETYPE
from tracker.unit_of_work import flash_and_redirect, on_form, refusals_shown, unit_of_work
from tracker.uploads import accepts_upload

blueprint = Blueprint("sheets", __name__, url_prefix="/rapportering")

# The upload's body may be larger than any form's (MAX_CONTENT_LENGTH): the file's own limit
# plus room for the form around it (tracker/uploads.py).
UPLOAD_BODY_LIMIT = sheet_upload.MAX_BYTES + 256 * 1024


@blueprint.errorhandler(413)
def _too_large(error):
    if request.endpoint != "sheets.upload" or getattr(current_user, "role", None) != Role.CONTACT:
        return error
    reporting_round = _load_unit_round(request.view_args["slug"])
    form = SheetUploadForm(formdata=None)
    form.sheet.errors = [
        _(
            "Filen er for stor. Et regneark kan være på høyst %(limit)d MB; ingenting er lagret.",
            limit=sheet_upload.MAX_BYTES // 1024 // 1024,
        )
    ]
    return _render_upload(reporting_round, form), 413


def _load_unit_round(slug: str):
    """An open round where the person's unit has measures: 404 otherwise."""
    reporting_round = get_round(slug)
    if reporting_round is None or reporting_round.state != RoundState.OPEN:
        abort(404)
    if not reports_for_unit(reporting_round, current_user.unit_id):
        abort(404)
    return reporting_round


# --- Contact persons ---------------------------------------------------------------------------


@blueprint.get("/<slug>/regneark.xlsx")
@role_required(Role.CONTACT)
def download(slug: str):
    reporting_round = _load_unit_round(slug)
    body = build_round_sheet(round_sheet(reporting_round, current_user.unit))
    return _attachment(body, f"{reporting_round.slug}-{current_user.unit.abbreviation}.xlsx")


@blueprint.route("/<slug>/regneark", methods=["GET", "POST"])
@accepts_upload(UPLOAD_BODY_LIMIT)
@role_required(Role.CONTACT)
def upload(slug: str):
    reporting_round = _load_unit_round(slug)
    form = SheetUploadForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _render_upload(reporting_round, form), 400 if form.errors else 200
    file = form.sheet.data
    content = file.read(sheet_upload.MAX_BYTES + 1)
    filename = file.filename or ""
    shown = on_form(form, lambda: _render_upload(reporting_round, form), "sheet")
    with unit_of_work(shown):
        stored = store_upload(
            current_user, reporting_round, filename, content, form.submit_reports.data
        )
        preview = preview_upload(stored, reporting_round, current_user.unit_id)
    return _render_preview(reporting_round, stored, preview)


@blueprint.post("/<slug>/regneark/bekreft")
@role_required(Role.CONTACT)
def confirm(slug: str):
    reporting_round = _load_unit_round(slug)
    form = ConfirmSheetForm()
    if not form.validate_on_submit():
        abort(400)
    stored = get_upload(form.upload.data, reporting_round) or abort(404)
    if stored.user_id != current_user.id:
        abort(403)  # someone else's upload: only its uploader may confirm it
    again = url_for("sheets.upload", slug=slug)
    with refusals_shown(flash_and_redirect(again)):
        preview = preview_upload(stored, reporting_round, current_user.unit_id)
    if preview.problems or preview.fingerprint != form.fingerprint.data:
        flash(
            _(
                "Rapportene er endret siden forhåndsvisningen. Se over endringene på nytt før "
                "du bekrefter."
            ),
            "warning",
        )
        return _render_preview(reporting_round, stored, preview), 409

    def changed_meanwhile(error):
        flash(str(error.message), "error")
        return _render_preview(reporting_round, stored, preview)

    with unit_of_work({EditConflict: changed_meanwhile, ReportingError: changed_meanwhile}):
        count = apply_preview(preview, current_user, reporting_round)
        discard_upload(stored)
    message = (
        ngettext(
            "%(num)d rapport er sendt til gjennomgang fra regnearket.",
            "%(num)d rapporter er sendt til gjennomgang fra regnearket.",
            count,
        )
        if stored.submit
        else ngettext(
            "%(num)d utkast er lagret fra regnearket.",
            "%(num)d utkast er lagret fra regnearket.",
            count,
        )
    )
    if count or not preview.result_changes:
        flash(message, "success")
    if preview.result_changes:
        flash(
            ngettext(
                "%(num)d indikatorverdi eller delmål er lagret fra regnearket.",
                "%(num)d indikatorverdier og delmål er lagret fra regnearket.",
                len(preview.result_changes),
            ),
            "success",
        )
    if preview.result_conflicts:
        flash(
            ngettext(
                "%(num)d indikatorverdi eller delmål hadde konflikt og er ikke endret.",
                "%(num)d indikatorverdier og delmål hadde konflikt og er ikke endret.",
                len(preview.result_conflicts),
            ),
            "warning",
        )
    if preview.conflicts:
        flash(
            ngettext(
                "%(num)d tiltak hadde konflikt og er ikke endret. Åpne dem og før inn teksten "
                "din der.",
                "%(num)d tiltak hadde konflikt og er ikke endret. Åpne dem og før inn teksten "
                "din der.",
                len(preview.conflicts),
            ),
            "warning",
        )
    return redirect(url_for("reporting.start"))


def _render_upload(reporting_round, form):
    return render_template(
        "sheets/upload.html",
        reporting_round=reporting_round,
        form=form,
        limit_mb=sheet_upload.MAX_BYTES // 1024 // 1024,
    )


def _render_preview(reporting_round, stored, preview):
    return render_template(
        "sheets/preview.html",
        reporting_round=reporting_round,
        stored=stored,
        preview=preview,
        form=ConfirmSheetForm(
            formdata=None, data={"upload": stored.id, "fingerprint": preview.fingerprint}
        ),
    )


# --- Coordinators ------------------------------------------------------------------------------


@blueprint.get("/<slug>/rapporter.xlsx")
@role_required(Role.COORDINATOR)
def round_export(slug: str):
    reporting_round = get_round(slug) or abort(404)
    if not coordinates_round(current_user, reporting_round):
        abort(403)
    body = build_reports_export(round_reports_for_export([reporting_round]))
    return _attachment(body, f"rapporter-{reporting_round.slug}.xlsx")


@blueprint.get("/planer/<plan_slug>/rapporter.xlsx")
@role_required(Role.COORDINATOR)
def plan_export(plan_slug: str):
    plan = load_plan(plan_slug)
    if not coordinates(current_user, plan):
        abort(403)
    body = build_reports_export(round_reports_for_export(all_rounds([plan])))
    return _attachment(body, f"rapporter-{plan.slug}.xlsx")


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII name and the exact one (RFC 6266)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _attachment(body: bytes, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = XLSX_MIMETYPE
    # Unit abbreviations and slugs are the file's name; an «Æ» must not break the header.
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
