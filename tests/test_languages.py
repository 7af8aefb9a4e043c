"""Nynorsk and English beside bokmål: every page, public and signed-in, and the switch between them.

The language lives in the address (``?lang=nn``); these tests follow it from page to page the way
a person does: through links, forms and the redirects after them.
"""

import re

import pytest

from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import PASSWORD, build_world, csrf_token, fresh
from tracker.typography import as_read

SWITCH = re.compile(r'<ul class="language-switch">(.*?)</ul>', re.S)


def switch_links(html: str) -> dict[str, str]:
    """Language code → address, from the page's language switch."""
    block = SWITCH.search(html).group(1)
    return {
        code: href.replace("&amp;", "&")
        for href, code in re.findall(r'href="([^"]*)" hreflang="(\w+)"', block)
    }


def test_nynorsk_index_is_in_nynorsk_with_nynorsk_status_names_and_dates(client, seeded):
    html = client.get("/?lang=nn").get_data(as_text=True)
    assert '<html lang="nn"' in html
    assert "Status pr. 1. juni 2025 (Midtveisrapport)." in as_read(html)
    assert "Av totalt 50 tiltak er 13 gjennomførte, 32 pågåande og 5 ikkje sette i gang." in html
    assert ">Ikkje sett i gang</th>" in html and ">Pågåande</th>" in html
    assert "Gå til hovudinnhaldet" in html and 'aria-label="Hovudmeny"' in html
    for bokmål in ("Gå til hovedinnhold", "Ikke igangsatt", "Status per hovedområde"):
        assert bokmål not in html
    # The plan's own text stays bokmål, and says so to screen readers.
    assert 'lang="nb">Kampanje mot diskriminering i arbeidslivet</a>' in html
    assert f'href="{PLAN_ONE}/tiltak/1?lang=nn"' in html


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_switch_offers_all_three_languages_and_keeps_page_and_filters(client, seeded, language):
    suffix = "" if language == "nb" else f"&lang={language}"
    html = client.get(PLAN_ONE + f"/tiltak?status=completed&q=kurs{suffix}").get_data(as_text=True)
    links = switch_links(html)
    assert links == {
        "nb": PLAN_ONE + "/tiltak?status=completed&q=kurs",
        "nn": PLAN_ONE + "/tiltak?status=completed&q=kurs&lang=nn",
        "en": PLAN_ONE + "/tiltak?status=completed&q=kurs&lang=en",
    }
    assert re.search(rf'hreflang="{language}" lang="{language}" aria-current="true"', html)
    for code, href in links.items():
        page = client.get(href).get_data(as_text=True)
        assert f'<html lang="{code}"' in page
        assert 'value="kurs"' in page and 'value="completed" selected' in page


def test_nynorsk_page_sets_no_cookie_and_static_files_have_one_address(client, seeded):
    response = client.get("/?lang=nn")
    assert "Set-Cookie" not in response.headers
    html = response.get_data(as_text=True)
    stylesheets = re.findall(r'href="(/static/[^"]+)"', html)
    assert stylesheets and not [href for href in stylesheets if "lang=" in href]
    assert stylesheets == re.findall(
        r'href="(/static/[^"]+)"', client.get("/").get_data(as_text=True)
    )


def test_error_pages_speak_the_chosen_language(client, seeded):
    response = client.get(PLAN_ONE + "/tiltak/999?lang=nn")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="nn"' in html and "Fann ikkje sida" in html
    assert "Page not found" in client.get(PLAN_ONE + "/tiltak/999?lang=en").get_data(as_text=True)


def sign_in_through_the_form(client, language: str):
    return client.post(
        f"/logg-inn?lang={language}",
        data={
            "email": "leder@led.example.no",
            "password": PASSWORD,
            "csrf_token": csrf_token(client, f"/logg-inn?lang={language}"),
        },
    )


@pytest.mark.parametrize(
    "language, expected",
    [
        ("nn", ["Mine tiltak", "Logg ut", "Ikkje påbyrja", "Frist: 15. mai 2026."]),
        ("en", ["My measures", "Sign out", "Deadline: 15 May 2026.", "Not begun"]),
    ],
)
def test_a_contact_person_works_in_their_language_from_sign_in_to_saving(
    client, app, language, expected
):
    world = build_world()
    login_page = client.get(f"/logg-inn?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}"' in login_page
    assert ("Passord" if language == "nn" else "Password") in login_page

    response = sign_in_through_the_form(client, language)
    assert response.status_code == 302
    assert response.location == f"/rapportering/?lang={language}"
    start = client.get(response.location).get_data(as_text=True)
    assert f'<html lang="{language}"' in start
    for text in expected:
        assert text in start, text
    # Every link on the page keeps the language, and so do the form and its redirect.
    report_link = re.search(r'href="(/rapportering/status-2026/tiltak/7[^"]*)"', start).group(1)
    assert report_link.endswith(f"?lang={language}")
    page = client.get(report_link).get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"[^>]*class="stack report-form"', page)
    assert action.group(1).endswith(f"?lang={language}")
    assert ("Lagre utkast" if language == "nn" else "Save draft") in page
    saved = client.post(
        action.group(1),
        data={
            "status": "in_progress",
            "narrative": "Ny tekst.",
            "narrative_language": "nb",
            "version": str(fresh(world.report).version),
            "save": "x",
            "csrf_token": csrf_token(client, report_link),
        },
    )
    assert saved.status_code == 302 and saved.location.endswith(f"?lang={language}")
    after = client.get(saved.location).get_data(as_text=True)
    assert ("Utkastet er lagra." if language == "nn" else "The draft has been saved.") in after


def test_coordinator_pages_are_translated(client, app, login):
    world = build_world()
    login(world.coordinator)
    nynorsk = client.get("/rapportering/status-2026/oversikt?lang=nn").get_data(as_text=True)
    assert "Rapportar per departement" in nynorsk and "Lukk runden" in nynorsk
    english = client.get("/rapportering/status-2026/oversikt?lang=en").get_data(as_text=True)
    assert "Reports by ministry" in english and "Close the round" in english
