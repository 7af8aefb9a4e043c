"""Sign-in (throttled), sign-out, and changing one's own password."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from tracker.auth.forms import ChangePasswordForm, LoginForm
from tracker.auth.models import Role
from tracker.auth.operations import (
    AccountError,
    WrongCurrentPassword,
    authenticate,
    change_own_password,
    locked_message,
    sign_out,
)
from tracker.extensions import db
from tracker.transactions import transaction

blueprint = Blueprint("auth", __name__)


@blueprint.route("/logg-inn", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        attempt = authenticate(form.email.data, form.password.data)
        db.session.commit()  # the audit entry is kept whatever the outcome
        user = attempt.user
        if attempt.wait_seconds is not None:
            response = render_template(
                "auth/login.html", form=form, error=locked_message(attempt.wait_seconds)
            )
            return response, 429, {"Retry-After": str(attempt.wait_seconds)}
        if user is not None and user.active:
            _start_new_session()
            session.permanent = True
            login_user(user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(_safe_next(request.args.get("next")) or home_url(user))
        # One message for an unknown e-mail and a wrong password, so neither is revealed.
        error = (
            _("Kontoen din er deaktivert. Kontakt administratoren hvis du trenger tilgang.")
            if user is not None
            else _("Feil e-postadresse eller passord.")
        )
    status = 401 if error else 400 if form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.route("/konto/passord", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, form.current_password.data, form.new_password.data)
        except WrongCurrentPassword as error:
            db.session.commit()  # keep the failed attempt in the audit log
            form.current_password.errors.append(str(error))
        except AccountError as error:
            db.session.rollback()
            form.new_password.errors.append(str(error))
        else:
            db.session.commit()
            # The change ended every session, this one too: continue under the new generation.
            login_user(current_user._get_current_object())
            flash(_("Passordet er endret."), "success")
            return redirect(home_url(current_user))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


# What someone who must choose a new password may still reach: that page, sign-out, and files.
ALLOWED_BEFORE_NEW_PASSWORD = {"auth.change_password", "auth.logout", "static", "health.healthz"}


@blueprint.before_app_request
def require_new_password():
    """After an administrator forced a reset, every page leads to the change-password form."""
    if request.endpoint in ALLOWED_BEFORE_NEW_PASSWORD or request.endpoint is None:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    return None


@blueprint.post("/logg-ut")
def logout():
    if current_user.is_authenticated:
        with transaction():
            sign_out(current_user)
    logout_user()
    _start_new_session()
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("public.index"))


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


def _safe_next(target: str | None) -> str | None:
    """Follow ``next`` only to a path on this site, never to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
