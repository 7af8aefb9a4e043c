"""What the law asks every page to link: the accessibility statement, a way to report barriers,
and the privacy statement; production start-up warns while they are missing."""

import secrets

import lxml.html
import pytest

from tests.factories import PlanFactory, UserFactory
from tests.test_config import run_flask
from tracker.auth.models import Role

STATEMENT = "https://uustatus.no/nb/erklaringer/publisert/1234-abcd"


@pytest.fixture
def app_config():
    return {
        "ACCESSIBILITY_STATEMENT_URL": STATEMENT,
        "ACCESSIBILITY_FEEDBACK": "tilgjengelighet@dep.example.no",
        "PRIVACY_OWNER": "Arbeids- og inkluderingsdepartementet",
        "PRIVACY_CONTACT": "personvernombud@dep.example.no",
    }


def page(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


def text_of(response) -> str:
    return " ".join(page(response).text_content().split())


def footer_links(response) -> dict[str, str]:
    footer = page(response).find(".//footer")
    return {link.text_content().strip(): link.get("href") for link in footer.iter("a")}


def test_every_kind_of_page_links_the_statements_in_its_footer(app, client, login):
    plan = PlanFactory()
    pages = ["/", f"/planer/{plan.slug}/", "/planer/", "/finnes-ikke", "/logg-inn", "/personvern"]
    for path in pages:
        links = footer_links(client.get(path))
        assert links["Tilgjengelighetserklæring"] == STATEMENT, path
        assert (
            links["Meld fra om tilgjengelighetsproblemer"]
            == "mailto:tilgjengelighet@dep.example.no"
        ), path
        assert links["Personvern"] == "/personvern", path
    login(UserFactory(role=Role.ADMIN))
    signed_in = client.get("/admin/brukere")
    assert signed_in.status_code == 200
    assert footer_links(signed_in)["Tilgjengelighetserklæring"] == STATEMENT


def test_the_privacy_page_says_who_is_responsible_and_how_long_data_is_kept(client):
    response = client.get("/personvern")
    assert response.status_code == 200
    text = text_of(response)
    assert "Arbeids- og inkluderingsdepartementet er behandlingsansvarlig" in text
    assert page(response).xpath('//main//a[@href="mailto:personvernombud@dep.example.no"]')
    assert "IP-adressen slettes etter 90 dager, hele hendelsen etter 12 måneder." in text
    assert "Datatilsynet" in text
    english = client.get("/personvern?lang=en").get_data(as_text=True)
    assert "after 90 days" in english


def test_the_privacy_page_follows_the_retention_settings(app, client):
    app.config.update(RETENTION_ADDRESS_DAYS=30, RETENTION_AUDIT_MONTHS=6)
    text = text_of(client.get("/personvern"))
    assert "IP-adressen slettes etter 30 dager, hele hendelsen etter 6 måneder." in text


def test_production_start_up_warns_without_the_statements(tmp_path):
    production = {
        "TRACKER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PUBLIC_URL": "https://tracker.example.no",
    }
    result = run_flask(tmp_path, "routes", **production)
    assert result.returncode == 0  # a warning, not a refusal
    assert "ACCESSIBILITY_STATEMENT_URL mangler" in result.stderr
    assert "PRIVACY_CONTACT mangler" in result.stderr
    complete = run_flask(
        tmp_path,
        "routes",
        **production,
        ACCESSIBILITY_STATEMENT_URL=STATEMENT,
        ACCESSIBILITY_FEEDBACK="https://dep.example.no/tilbakemelding",
        PRIVACY_CONTACT="personvernombud@dep.example.no",
    )
    assert complete.returncode == 0 and "mangler" not in complete.stderr
