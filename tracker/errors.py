"""Error pages in Norwegian that say what happened and what to do, never how the code failed."""

from flask import Flask, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from tracker.extensions import db, login_manager
from tracker.request_deadline import RequestTooLate
from tracker.transactions import CommitOutcomeUnknown

# code → (heading, explanation). Anything else falls back to the generic page.
ERROR_TEXTS = {
    400: (
        lazy_gettext("Ugyldig forespørsel"),
        lazy_gettext("Forespørselen kunne ikke behandles. Gå tilbake og prøv igjen."),
    ),
    403: (
        lazy_gettext("Ingen tilgang"),
        lazy_gettext(
            "Du har ikke tilgang til denne siden. Ta kontakt med koordinatoren "
            "hvis du mener du skulle hatt tilgang."
        ),
    ),
    404: (
        lazy_gettext("Fant ikke siden"),
        lazy_gettext(
            "Siden finnes ikke, eller den er flyttet. Sjekk adressen, eller gå til forsiden."
        ),
    ),
    405: (
        lazy_gettext("Handlingen er ikke tillatt"),
        lazy_gettext(
            "Siden kan ikke brukes på denne måten. Gå tilbake og prøv igjen fra skjemaet."
        ),
    ),
    413: (
        lazy_gettext("Forespørselen er for stor"),
        lazy_gettext(
            "Det du sendte, er større enn tjenesten tar imot. Ingenting ble lagret. "
            "Gå tilbake, gjør teksten kortere og send skjemaet igjen."
        ),
    ),
    503: (
        lazy_gettext("Tjenesten er midlertidig utilgjengelig"),
        lazy_gettext(
            "Vi får ikke kontakt med databasen akkurat nå. Ingenting av det du har lagret "
            "tidligere er tapt. Vent litt og prøv igjen; det du skrev i et skjema, kan du "
            "sende på nytt med tilbakeknappen."
        ),
    ),
    500: (
        lazy_gettext("Noe gikk galt"),
        lazy_gettext(
            "Det oppstod en feil hos oss. Ingenting av det du har lagret tidligere er tapt. "
            "Prøv igjen om litt; hvis feilen vedvarer, ta kontakt med koordinatoren."
        ),
    ),
}
CSRF_TEXT = (
    lazy_gettext("Skjemaet er utløpt"),
    lazy_gettext(
        "Skjemaet kunne ikke sendes fordi siden var for gammel eller økten din er utløpt. "
        "Gå tilbake, last inn siden på nytt og send skjemaet igjen."
    ),
)
GENERIC_TEXT = (lazy_gettext("Noe gikk galt"), lazy_gettext("Forespørselen kunne ikke behandles."))


TOO_LATE_HEADING = lazy_gettext("Tjenesten har for mye å gjøre akkurat nå")
UNKNOWN_OUTCOME_HEADING = lazy_gettext("Vi vet ikke om endringen ble lagret")


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_internal_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(RequestTooLate, handle_too_late)
    app.register_error_handler(CommitOutcomeUnknown, handle_unknown_outcome)
    # Registered after Flask-SQLAlchemy's, so it runs first when the request ends.
    app.teardown_appcontext(close_session_even_if_disconnected)


def render_error(code: int, texts: tuple, headers=None, check_url: str | None = None):
    heading, explanation = texts
    return (
        render_template(
            "errors/error.html",
            code=code,
            heading=heading,
            explanation=explanation,
            check_url=check_url,
        ),
        code,
        headers or {},
    )


# Forms whose page is also where the form lives: after an expired session, signing in again
# leads straight back to them, and the page's script puts the typed text back (forms.js).
RETURN_AFTER_SIGN_IN = {"reporting.report"}


def handle_csrf_error(error: CSRFError):
    if request.endpoint in RETURN_AFTER_SIGN_IN and not current_user.is_authenticated:
        flash(
            lazy_gettext(
                "Økten din er utløpt, så teksten ble ikke lagret. Logg inn igjen: teksten du "
                "skrev, blir satt inn i skjemaet igjen, så du kan lagre den."
            ),
            "info",
        )
        return redirect(url_for("auth.login", next=request.path))
    return render_error(400, CSRF_TEXT)


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # redirects and the like are not errors
    headers = {}
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return render_error(error.code, ERROR_TEXTS.get(error.code, GENERIC_TEXT), headers)


# Seconds a client should wait before trying again while the database is away (a restart).
DATABASE_RETRY_AFTER = 5


def handle_database_unavailable(error: OperationalError):
    """The database did not answer (restarting, unreachable): a temporary state, so 503 with
    Retry-After rather than 500. The next request gets a fresh connection from the pool."""
    current_app.logger.warning(
        "database unavailable (%s)", type(getattr(error, "orig", None) or error).__name__
    )
    _discard_failed_transaction()
    return render_error(503, ERROR_TEXTS[503], {"Retry-After": str(DATABASE_RETRY_AFTER)})


def handle_too_late(error: RequestTooLate):
    """Past the request's deadline (tracker/request_deadline.py): nothing was stored."""
    current_app.logger.warning("request past its deadline: %s %s", request.method, request.path)
    _discard_failed_transaction()
    return render_error(
        503, (TOO_LATE_HEADING, error.message), {"Retry-After": str(DATABASE_RETRY_AFTER)}
    )


def handle_unknown_outcome(error: CommitOutcomeUnknown):
    """The connection broke during COMMIT: say that the change may be stored, and where to look
    (the page itself, when it can be opened)."""
    current_app.logger.warning("commit outcome unknown: %s %s", request.method, request.path)
    _discard_failed_transaction()
    rule = request.url_rule
    check_url = request.path if rule is not None and "GET" in (rule.methods or ()) else None
    return render_error(
        503,
        (UNKNOWN_OUTCOME_HEADING, error.message),
        {"Retry-After": str(DATABASE_RETRY_AFTER)},
        check_url=check_url,
    )


def _discard_failed_transaction() -> None:
    """Roll back the request's work and forget the rows it had loaded. The rollback expired
    them, and the error page must not read them again: the database may be what failed (a
    restart), and a read inside an error handler becomes a 500."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # The connection is gone: drop it without another round trip, so that closing the
        # session at the end of the request does not try (and fail) to roll back again.
        db.session().invalidate()  # the Session itself: scoped_session does not proxy it
    # The signed-in user (their row would be re-read for the menu): the page is shown as to
    # anyone. Flask-Login keeps the user in g.
    g._login_user = login_manager.anonymous_user()
    # The page's plan (tracker/plan/context.py), which the layout reads for the site title: the
    # page is shown without it, like an address outside any plan.
    g.pop("plan", None)


def close_session_even_if_disconnected(exception=None) -> None:
    """End the request's transaction. If the database went away meanwhile, the rollback that
    closing does would fail after the answer was ready, and gunicorn would send a bare 500."""
    try:
        db.session.close()
    except SQLAlchemyError:
        db.session().invalidate()  # the Session itself: scoped_session does not proxy it


def handle_internal_error(error):
    # Flask has already logged the traceback; a failed transaction must not leak into the page.
    _discard_failed_transaction()
    return render_error(500, ERROR_TEXTS[500])
