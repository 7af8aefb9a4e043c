"""Sign-in and sign-out."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.audit.operations import record_event
from tracker.auth.forms import LoginForm
from tracker.auth.models import Role
from tracker.auth.operations import authenticate
from tracker.extensions import db

blueprint = Blueprint("auth", __name__)


@blueprint.route("/logg-inn", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        db.session.commit()  # the audit entry is kept whatever the outcome
        if user is not None and user.active:
            _start_new_session()
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_url(user))
        # One message for an unknown e-mail and a wrong password, so neither is revealed.
        error = (
            _("Kontoen din er deaktivert. Kontakt administratoren hvis du trenger tilgang.")
            if user is not None
            else _("Feil e-postadresse eller passord.")
        )
    status = 401 if error else 400 if form.errors else 200
    return render_template("auth/login.html", form=form, error=error), status


@blueprint.post("/logg-ut")
def logout():
    if current_user.is_authenticated:
        record_event("logout", user=current_user)
        db.session.commit()
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
