"""The pages nginx shows, from files, when the app cannot answer (502) or answers too late (504).

Rendered from the app's own template and catalog, in Norwegian, by
``flask --app wsgi error-pages DIR`` (`make serve` writes them to instance/error-pages, where
deploy/nginx.conf looks). nginx picks the page by method: after a form was sent, the person is
told that the change may have been stored, and how to find out (open the page again; sending the
same form again is recognised as already stored, see reporting's AlreadyStored), never that it
failed.
"""

from pathlib import Path

import click
from flask import current_app, render_template
from flask_babel import lazy_gettext

# file name → (heading, paragraphs); the names are deploy/nginx.conf's.
PAGES = {
    "ikke-svar.html": (
        lazy_gettext("Tjenesten svarer ikke akkurat nå"),
        (
            lazy_gettext(
                "Vi fikk ikke svar fra tjenesten i tide. Ingenting av det som er lagret, er tapt."
            ),
            lazy_gettext("Vent litt og last inn siden på nytt."),
        ),
    ),
    "ikke-svar-skjema.html": (
        lazy_gettext("Vi vet ikke om det du sendte, ble lagret"),
        (
            lazy_gettext(
                "Tjenesten svarte ikke i tide, så vi vet ikke om endringen din ble lagret. "
                "Den kan være lagret likevel."
            ),
            lazy_gettext(
                "Gå tilbake, last inn siden på nytt og se hva som er lagret før du sender "
                "igjen. Sender du det samme skjemaet en gang til, får du beskjed hvis det "
                "allerede var lagret."
            ),
        ),
    ),
}


def render_pages() -> dict[str, str]:
    """File name → HTML. Needs an app context (the template and the catalog)."""
    with current_app.test_request_context():  # Babel's locale: the default, bokmål
        return {
            name: render_template("errors/proxy_page.html", heading=heading, paragraphs=paragraphs)
            for name, (heading, paragraphs) in PAGES.items()
        }


@click.command("error-pages")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def error_pages_command(directory: Path) -> None:
    """Write the pages nginx shows for 502 and 504 into DIRECTORY."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, html in render_pages().items():
        (directory / name).write_text(html, encoding="utf-8")
    click.echo(f"Skrev {len(PAGES)} feilsider til {directory}.")
