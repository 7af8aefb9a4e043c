"""Account administration: create, change (re-assign), deactivate and reactivate users."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.account_links.operations import invite_user
from tracker.admin.forms import NO_UNIT, AuditFilterForm, UserCreateForm, UserEditForm
from tracker.audit.events import EVENT_LABELS, event_label
from tracker.audit.queries import AuditFilter, audit_page
from tracker.auth.models import Role, User
from tracker.auth.operations import (
    create_user,
    deactivate_user,
    generate_password,
    reactivate_user,
    require_password_change,
    set_password,
    update_user,
)
from tracker.auth.permissions import role_required
from tracker.auth.queries import all_users, get_user
from tracker.ministries.queries import all_units, get_unit
from tracker.plan.queries import all_plans
from tracker.privacy.operations import erase_account
from tracker.sso.operations import unlink_identity
from tracker.timeutil import local_midnight
from tracker.unit_of_work import flash_and_redirect, on_form, unit_of_work

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@role_required(Role.ADMIN)
def require_admin():
    """Every page here is for administrators only."""


def _load_user(user_id: int) -> User:
    user = get_user(user_id)
    if user is None:
        abort(404)
    return user


def _unit(form):
    return get_unit(form.unit.data) if form.unit.data != NO_UNIT else None


def _plans(form, plans) -> list:
    chosen = set(form.plans.data or [])
    return [plan for plan in plans if plan.slug in chosen]


@blueprint.get("/brukere")
def users():
    return render_template("admin/users.html", users=all_users())


@blueprint.route("/brukere/ny", methods=["GET", "POST"])
def create():
    form = UserCreateForm()
    plans = all_plans()
    form.set_choices(all_units(), plans)
    if request.method == "GET" and len(plans) == 1:
        form.plans.data = [plans[0].slug]  # a new coordinator coordinates the one plan there is

    def page() -> str:
        return render_template("admin/user_form.html", form=form, user=None)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    password = form.password.data or generate_password()
    with unit_of_work(on_form(form, page, "email")):
        user = create_user(
            form.email.data,
            Role(form.role.data),
            password,
            unit=_unit(form),
            name=form.name.data or "",
            created_by=current_user,
            break_glass=form.break_glass.data,
            plans=_plans(form, plans),
        )
        # Without a typed password the person chooses their own through an e-mailed link.
        invited = not form.password.data and invite_user(user, current_user)
    return render_template("admin/user_created.html", user=user, invited=bool(invited))


@blueprint.route("/brukere/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = _load_user(user_id)
    editing = request.method == "POST"
    form = UserEditForm(obj=None if editing else user)
    plans = all_plans()
    form.set_choices(all_units(), plans)
    if not editing:
        form.role.data = user.role.value
        form.unit.data = user.unit.abbreviation if user.unit else NO_UNIT
        form.plans.data = [plan.slug for plan in user.coordinated_plans]

    def page() -> str:
        return render_template("admin/user_form.html", form=form, user=user)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    with unit_of_work(on_form(form, page, "role")):
        update_user(
            user,
            Role(form.role.data),
            _unit(form),
            form.name.data or "",
            current_user,
            break_glass=form.break_glass.data,
            plans=_plans(form, plans),
        )
    flash(_("Endringene for %(email)s er lagret.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@blueprint.post("/brukere/<int:user_id>/deaktiver")
def deactivate(user_id: int):
    return _account_action(
        user_id, deactivate_user, lambda user: _("%(email)s er deaktivert.", email=user.email)
    )


@blueprint.post("/brukere/<int:user_id>/aktiver")
def reactivate(user_id: int):
    return _account_action(
        user_id, reactivate_user, lambda user: _("%(email)s er aktivert igjen.", email=user.email)
    )


@blueprint.route("/brukere/<int:user_id>/slett-personopplysninger", methods=["GET", "POST"])
def erase(user_id: int):
    """Erase a deactivated person's data; asks first, since it cannot be undone."""
    user = _load_user(user_id)
    if request.method == "GET":
        return render_template("admin/erase_user.html", user=user)
    email = user.email
    with unit_of_work(flash_and_redirect(url_for("admin.users"))):
        erase_account(user, current_user)
    flash(_("Personopplysningene for %(email)s er slettet.", email=email), "success")
    return redirect(url_for("admin.users"))


@blueprint.post("/brukere/<int:user_id>/nytt-passord")
def new_password(user_id: int):
    user = _load_user(user_id)
    password = generate_password()
    # The administrator has seen this password, so the user must replace it at once.
    with unit_of_work():
        set_password(user, password, changed_by=current_user, must_change=True)
    return render_template("admin/user_created.html", user=user, password=password, reset=True)


@blueprint.post("/brukere/<int:user_id>/krev-nytt-passord")
def force_password_change(user_id: int):
    return _account_action(
        user_id,
        require_password_change,
        lambda user: _(
            "%(email)s må velge et nytt passord ved neste innlogging.", email=user.email
        ),
    )


@blueprint.post("/brukere/<int:user_id>/fjern-sso-kobling")
def unlink_single_sign_on(user_id: int):
    user = _load_user(user_id)
    with unit_of_work():
        unlink_identity(user, current_user)
    flash(
        _(
            "Koblingen til innloggingen er fjernet. Neste innlogging for %(email)s kobles "
            "på nytt etter e-postadressen.",
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.edit", user_id=user.id))


@blueprint.get("/logg")
def audit_log():
    form = AuditFilterForm(request.args)
    form.set_event_choices(EVENT_LABELS)
    # A value that does not pass is left out of the filter and shown with its message.
    form.validate()
    audit_filter = AuditFilter(
        event="" if form.hendelse.errors else form.hendelse.data or "",
        person="" if form.bruker.errors else (form.bruker.data or "").strip(),
        since=None if form.fra.errors else local_midnight(form.fra.data),
        until=None if form.til.errors else local_midnight(form.til.data, days_after=1),
    )
    page = audit_page(audit_filter, older_than=_page_key("eldre"), newer_than=_page_key("nyere"))
    # The filter travels with the «Eldre» and «Nyere» links; the old «side» number is ignored.
    arguments = {
        name: value
        for name, value in request.args.items()
        if name not in ("eldre", "nyere", "side") and value
    }
    return render_template(
        "admin/audit_log.html",
        form=form,
        page=page,
        arguments=arguments,
        event_label=event_label,
    ), 400 if form.errors else 200


def _page_key(name: str) -> int | None:
    """An event id from the query string, or None for anything else."""
    value = request.args.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _account_action(user_id: int, operation, success_message):
    user = _load_user(user_id)
    with unit_of_work(flash_and_redirect(url_for("admin.users"))):
        operation(user, current_user)
    flash(success_message(user), "success")
    return redirect(url_for("admin.users"))
