"""Sign-in (throttled), sign-out, and changing one's own password."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.auth.models import Role
from tracker.auth.operations import (
    WrongCurrentPassword,
    authenticate,
    change_own_password,
    locked_message,
    sign_out,
)
from tracker.auth.permissions import password_sign_in_allowed_for
from tracker.sso import client as sso
from tracker.unit_of_work import on_form, unit_of_work

# Where single sign-on keeps the provider's ID token, for ending its session at sign-out.
SSO_ID_TOKEN_KEY = "sso_id_token"  # nosec B105
# Where the sign-out form hands that token to the provider sign-out step, which takes nothing else.
SSO_SIGN_OUT_KEY = "sso_sign_out_id_token"  # nosec B105

blueprint = Blueprint("auth", __name__)


@blueprint.route("/logg-inn", methods=["GET", "POST"])
def login():
    return _password_sign_in(break_glass_page=False)


@blueprint.route("/logg-inn/nodtilgang", methods=["GET", "POST"])
def break_glass_login():
    """The password form for break-glass accounts while PASSWORD_LOGIN=off (not linked)."""
    if sso.password_login_allowed():
        return redirect(url_for("auth.login"))
    return _password_sign_in(break_glass_page=True)


# The session key under which a password just set by a link leaves its owner's e-mail address.
SIGN_IN_EMAIL = "sign_in_email"


def _password_sign_in(break_glass_page: bool):
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    error = None
    status = 200
    if request.method == "GET":
        # Just set a password by invitation or reset link: the address is filled in for them.
        form.email.data = session.pop(SIGN_IN_EMAIL, None)
    if form.validate_on_submit():
        with unit_of_work():  # the audit entry is kept whatever the outcome
            attempt = authenticate(form.email.data, form.password.data)
            user = attempt.user
        if attempt.wait_seconds is not None:
            response = _login_page(form, break_glass_page, locked_message(attempt.wait_seconds))
            return response, 429, {"Retry-After": str(attempt.wait_seconds)}
        if user is not None and user.active:
            start_session(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or home_url(user))
        # One message for an unknown e-mail and a wrong password, so neither is revealed; while
        # passwords are off, one for every account without break-glass too, right password or not.
        if user is not None:
            error = _("Kontoen din er deaktivert. Kontakt administratoren hvis du trenger tilgang.")
        elif not sso.password_login_allowed():
            error = _(
                "Innlogging med passord er slått av, unntatt for kontoer med nødtilgang. "
                "Feil e-postadresse eller passord, eller kontoen har ikke nødtilgang. Logg inn "
                "med knappen «%(provider)s».",
                provider=sso.provider_label(),
            )
        else:
            error = _("Feil e-postadresse eller passord.")
        status = 401
    elif form.errors:
        status = 400
    return _login_page(form, break_glass_page, error), status


def _login_page(form, break_glass_page: bool, error=None) -> str:
    return render_template(
        "auth/login.html",
        form=form,
        error=error,
        show_password_form=break_glass_page or sso.password_login_allowed(),
        break_glass_page=break_glass_page,
    )


def start_session(user) -> None:
    """Sign ``user`` in on a fresh session: the one way in, for passwords and single sign-on."""
    _start_new_session()
    session.permanent = True
    login_user(user)


@blueprint.route("/konto/passord", methods=["GET", "POST"])
@login_required
def change_password():
    if not password_sign_in_allowed_for(current_user):
        abort(404)  # a password that can never be used to sign in is not worth changing
    form = ChangePasswordForm()

    def page() -> str:
        return render_template("auth/change_password.html", form=form)

    if not form.validate_on_submit():
        return page(), 400 if form.errors else 200
    # A refusal is the new password's, unless it names its field (a wrong current password).
    # That one is committed all the same: the failed attempt stays in the audit log.
    with unit_of_work(on_form(form, page, "new_password"), commit_on=(WrongCurrentPassword,)):
        change_own_password(current_user, form.current_password.data, form.new_password.data)
    # The change ended every session, this one too: continue under the new generation.
    login_user(current_user._get_current_object())
    flash(_("Passordet er endret."), "success")
    return redirect(home_url(current_user))


# What someone who must choose a new password may still reach: that page, sign-out, and files.
ALLOWED_BEFORE_NEW_PASSWORD = {"auth.change_password", "auth.logout", "static", "health.healthz"}


@blueprint.before_app_request
def require_new_password():
    """After an administrator forced a reset, every page leads to the change-password form."""
    if request.endpoint in ALLOWED_BEFORE_NEW_PASSWORD or request.endpoint is None:
        return None
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        # Nothing to change while passwords are off for this person: they sign in elsewhere.
        and password_sign_in_allowed_for(current_user)
    ):
        return redirect(url_for("auth.change_password"))
    return None


@blueprint.post("/logg-ut")
def logout():
    id_token = session.get(SSO_ID_TOKEN_KEY)
    if current_user.is_authenticated:
        with unit_of_work():
            sign_out(current_user)
    logout_user()
    _start_new_session()
    if id_token is not None and sso.enabled():
        # Signed in through the provider: end its session too, or the next person at this
        # browser would be signed straight back in.
        session[SSO_SIGN_OUT_KEY] = id_token
        return redirect(url_for("sso.provider_sign_out"))
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("public.home"))


def _start_new_session() -> None:
    """Forget everything the previous session held, its CSRF token included."""
    session.clear()
    # Flask-WTF caches the token in g for the rest of the app context; it died with the session.
    g.pop("csrf_token", None)


def home_url(user) -> str:
    """Where each role starts its work."""
    return {
        Role.CONTACT: url_for("reporting.start"),
        Role.COORDINATOR: url_for("reporting.rounds"),
        Role.ADMIN: url_for("admin.users"),
    }[user.role]


def safe_next(target: str | None) -> str | None:
    """Follow ``next`` only to a path on this site, never to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
