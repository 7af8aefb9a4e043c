"""Error pages in Norwegian that say what happened and what to do, never how the code failed."""
from flask import Flask, render_template
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

# code → (heading, explanation). Anything else falls back to the generic page.
ERROR_TEXTS = {
    400: (lazy_gettext("Ugyldig forespørsel"),
          lazy_gettext("Forespørselen kunne ikke behandles. Gå tilbake og prøv igjen.")),
    403: (lazy_gettext("Ingen tilgang"),
          lazy_gettext("Du har ikke tilgang til denne siden. Ta kontakt med koordinatoren "
                       "hvis du mener du skulle hatt tilgang.")),
    404: (lazy_gettext("Fant ikke siden"),
          lazy_gettext("Siden finnes ikke, eller den er flyttet. Sjekk adressen, eller gå til forsiden.")),
    405: (lazy_gettext("Handlingen er ikke tillatt"),
          lazy_gettext("Siden kan ikke brukes på denne måten. Gå tilbake og prøv igjen fra skjemaet.")),
    500: (lazy_gettext("Noe gikk galt"),
          lazy_gettext("Det oppstod en feil hos oss. Ingenting av det du har lagret tidligere er tapt. "
                       "Prøv igjen om litt; hvis feilen vedvarer, ta kontakt med koordinatoren.")),
}
CSRF_TEXT = (
    lazy_gettext("Skjemaet er utløpt"),
    lazy_gettext("Skjemaet kunne ikke sendes fordi siden var for gammel eller økten din er utløpt. "
                 "Gå tilbake, last inn siden på nytt og send skjemaet igjen."),
)
GENERIC_TEXT = (lazy_gettext("Noe gikk galt"), lazy_gettext("Forespørselen kunne ikke behandles."))


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_internal_error)


def render_error(code: int, texts: tuple, headers=None):
    heading, explanation = texts
    return render_template("errors/error.html", code=code, heading=heading,
                           explanation=explanation), code, headers or {}


def handle_csrf_error(error: CSRFError):
    return render_error(400, CSRF_TEXT)


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error  # redirects and the like are not errors
    headers = {}
    if error.code == 405 and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return render_error(error.code, ERROR_TEXTS.get(error.code, GENERIC_TEXT), headers)


def handle_internal_error(error):
    # Flask has already logged the traceback; a failed transaction must not leak into the page.
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the page must still be shown
    return render_error(500, ERROR_TEXTS[500])
