"""The reporting form as a contact person uses it: CSRF on, real requests, real database."""

import re
from datetime import date

import pytest

from tests.factories import ReportFactory, RoundFactory
from tests.support.workflow import (
    build_world,
    field_error,
    fresh,
    post_report,
    snapshot,
    textarea_text,
)
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState, Status


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def contact(world, login):
    return login(world.lead_contact)


def test_start_page_lists_lead_and_co_responsible_measures_with_state_and_deadline(
    client, world, login
):
    login(world.co_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert "Felles tiltak" in page and "Annet tiltak" not in page
    assert "Medansvar (LED leder)" in page
    assert "Frist: 15. mai 2026." in page
    assert "Ikke påbegynt" in page


def test_start_page_without_an_open_round(client, app, login):
    world = build_world(round_state=RoundState.PUBLISHED)
    login(world.lead_contact)
    assert "Ingen rapporteringsrunde er åpen nå." in client.get("/rapportering/").get_data(
        as_text=True
    )


def test_form_shows_the_plan_text_and_the_previous_published_round(client, world, contact):
    earlier = RoundFactory(
        slug="midtveis", title="Midtveisrapport", as_of=date(2025, 6, 1), state=RoundState.PUBLISHED
    )
    ReportFactory(
        round=earlier,
        measure=world.report.measure,
        status=Status.IN_PROGRESS,
        narrative="Teksten fra i fjor.",
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Planens tekst om tiltaket." in page
    assert "Midtveisrapport" in page and "Teksten fra i fjor." in page
    assert sorted(re.findall(r'name="status"[^>]*type="radio" value="(\w+)"', page)) == [
        "completed",
        "in_progress",
        "not_started",
    ]
    assert textarea_text(page) == "Opprinnelig tekst."
    assert "Lagre utkast" in page and "Send til gjennomgang" in page


def test_saving_a_draft_keeps_the_report_in_draft(client, world, contact):
    response = post_report(client, world, status="completed", narrative="Tiltaket er gjennomført.")
    assert response.status_code == 302
    report = fresh(world.report)
    assert (report.status, report.narrative, report.review_state, report.version) == (
        Status.COMPLETED,
        "Tiltaket er gjennomført.",
        ReviewState.DRAFT,
        2,
    )
    assert "Utkastet er lagret." in client.get(response.location).get_data(as_text=True)


def test_submitting_sends_the_report_for_review_and_locks_the_form(client, world, contact):
    response = post_report(client, world, narrative="Klar.", save=None, send="Send til gjennomgang")
    assert response.status_code == 302
    assert fresh(world.report).review_state == ReviewState.SUBMITTED
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Sendt til gjennomgang. Koordinatoren ser på rapporten." in page
    assert "<textarea" not in page


@pytest.mark.parametrize(
    "fields, field_id, message",
    [
        ({"status": "finished"}, "status", "Velg en av statusene i listen."),
        ({"status": None}, "status", "Velg en status."),
        (
            {"narrative": " \n\u00a0", "save": None, "send": "Send"},
            "narrative",
            "Skriv en statusbeskrivelse",
        ),
        (
            {"narrative": "x" * 20_001},
            "narrative",
            "Teksten er 20001 tegn. Den kan være på høyst 20000 tegn",
        ),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_changes_nothing(
    client, world, contact, fields, field_id, message
):
    before = snapshot()
    response = post_report(client, world, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in field_error(page, field_id)
    assert snapshot() == before
    assert "Dette må rettes før vi kan lagre" in page
    if fields.get("narrative", "").strip():
        assert textarea_text(page) == fields["narrative"]  # nothing typed is lost


def test_a_narrative_of_exactly_the_limit_is_accepted(client, world, contact):
    assert post_report(client, world, narrative="æ" * 20_000).status_code == 302
    assert len(fresh(world.report).narrative) == 20_000


def test_a_closed_round_refuses_the_save_but_keeps_the_text(client, world, contact):
    world.reporting_round.state = RoundState.CLOSED
    db.session.commit()
    before = snapshot()
    response = post_report(client, world, narrative="Skrevet mens runden ble lukket.")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Runden er lukket. Endringer kan ikke lagres lenger." in page
    assert textarea_text(page) == "Skrevet mens runden ble lukket."
    assert "Lagre utkast" not in page  # no button that cannot work
    assert snapshot() == before


WORD_PASTE = (
    "«Sitat» og “smarte anførselstegn” – ‘enkle’ også.\u00a0Hardt\u00a0mellomrom,\ttabulator\x0b"
    "og styretegn\x07 fjernet.\r\n\r\n• Punkt med emoji 🎉👩🏽‍💻\r\n• عربي: مكافحة العنصرية\r\n"
    "• עברית: נגד גזענות"
)


def test_text_pasted_from_word_is_cleaned_visibly_and_kept(client, world, contact):
    assert post_report(client, world, narrative=WORD_PASTE).status_code == 302
    saved = fresh(world.report).narrative
    assert saved == (
        "«Sitat» og “smarte anførselstegn” – ‘enkle’ også. Hardt mellomrom, tabulator"
        "og styretegn fjernet.\n\n"
        "• Punkt med emoji 🎉👩🏽‍💻\n• عربي: مكافحة العنصرية\n• עברית: נגד גזענות"
    )
    page = client.get(world.report_url).get_data(as_text=True)
    assert textarea_text(page) == saved
    history = client.get(world.report_url + "/historikk").get_data(as_text=True)
    assert "נגד גזענות" in history or "עברית" in history


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)> & "sitat"'


def test_html_in_a_narrative_is_shown_as_text_everywhere(client, world, contact, login):
    post_report(client, world, narrative=XSS)
    post_report(client, world, narrative=XSS + " endret", send="Send", save=None)
    login(world.coordinator)
    pages = [
        client.get(url).get_data(as_text=True)
        for url in (
            world.report_url,
            world.report_url + "/historikk?fra=2&til=3",
            "/rapportering/status-2026/oversikt",
        )
    ]
    for page in pages[:2]:
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page


def test_the_return_comment_reaches_the_contact_person(client, world, login):
    world.report.review_state = ReviewState.RETURNED
    world.report.review_comment = "Legg til <b>tall</b> for 2026."
    db.session.commit()
    login(world.lead_contact)
    start = client.get("/rapportering/").get_data(as_text=True)
    assert "1 rapport er sendt tilbake fra koordinatoren og må rettes." in start
    page = client.get(world.report_url).get_data(as_text=True)
    assert (
        "Kommentar fra koordinatoren" in page
        and "Legg til &lt;b&gt;tall&lt;/b&gt; for 2026." in page
    )
    assert "<textarea" in page  # returned reports can be fixed
