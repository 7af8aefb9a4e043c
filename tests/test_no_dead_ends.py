"""No dead ends and no odd words: a contact person's start page between rounds, coordinator
refusals in an error summary, Norwegian names for every outbox kind and audit event, the same
person's conflict in two tabs, and `flask users demo` printing the address the app is on."""

import pathlib
import re

import pytest

from tests.support.workflow import build_world, csrf_token, fresh, post_report
from tracker.audit.events import EVENT_LABELS
from tracker.extensions import db
from tracker.mail.models import MESSAGE_KINDS
from tracker.reporting.states import ReviewState, RoundState, Status

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_between_rounds_a_contact_sees_the_units_measures_as_published(client, app, login):
    world = build_world(round_state=RoundState.PUBLISHED, review_state=ReviewState.APPROVED)
    world.report.status = Status.COMPLETED
    db.session.commit()
    login(world.lead_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert "Ingen rapporteringsrunde er åpen nå." in page
    assert "Tiltakene deres slik de er publisert" in page
    row = page.split('data-measure="7"')[1].split("</tr>")[0]
    assert "Felles tiltak" in row and "Gjennomført" in row and "1. juni 2026" in row
    assert "/planer/handlingsplan-rasisme-2024-2027/tiltak/7#history-heading" in row
    assert 'data-measure="8"' not in page  # another ministry's measure


def test_a_return_without_a_comment_shows_an_error_summary(client, app, login):
    world = build_world(review_state=ReviewState.SUBMITTED)
    login(world.coordinator)
    refused = client.post(
        world.report_url + "/send-tilbake",
        data={"comment": "  ", "csrf_token": csrf_token(client, world.report_url)},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    summary = page.split('class="ds-error-summary"')[1].split("</div>")[0]
    assert 'href="#comment"' in summary
    assert fresh(world.report).review_state == ReviewState.SUBMITTED


def test_every_audit_event_the_code_writes_has_a_norwegian_name_in_the_filter(client, app, login):
    written = set()
    for path in (ROOT / "tracker").rglob("*.py"):
        written |= set(re.findall(r'record_event\(\s*"([a-z_]+)"', path.read_text()))
    # Names made at run time or kept in constants.
    written |= {
        "login",
        "login_failed",
        "login_throttled",
        "password_reset_requested",
        "password_set_by_invitation",
        "password_set_by_password_reset",
        "mail_sent",
        "mail_failed",
    }
    assert written - set(EVENT_LABELS) == set()
    world = build_world()
    login(world.admin)
    page = client.get("/admin/logg").get_data(as_text=True)
    options = re.findall(r'<option value="([a-z_]+)"', page)
    assert set(EVENT_LABELS) <= set(options)


def test_the_outbox_names_each_kind_of_message_in_norwegian(client, app, login):
    world = build_world(review_state=ReviewState.SUBMITTED)
    login(world.admin)
    client.post(
        "/admin/brukere/ny",
        data={
            "email": "ny@led.example.no",
            "name": "Nina Ny",
            "role": "contact",
            "unit": "LED",
            "password": "",
            "csrf_token": csrf_token(client),
        },
    )
    page = client.get("/admin/utboks").get_data(as_text=True)
    cell = re.search(r'<td data-event="invitation">([^<]*)</td>', page).group(1)
    assert cell == "Invitasjon"
    assert set(MESSAGE_KINDS) >= {"review_decisions", "round_closed", "report_corrected"}


def test_a_conflict_with_ones_own_save_in_another_tab_says_so(client, app, login):
    world = build_world()
    login(world.lead_contact)
    assert post_report(client, world, narrative="Fra den første fanen.").status_code == 302
    stale = client.post(
        world.report_url,
        data={
            "csrf_token": csrf_token(client, world.report_url),
            "version": "1",
            "status": "in_progress",
            "narrative": "Fra den andre fanen.",
            "save": "Lagre utkast",
        },
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Du har lagret rapporten i et annet vindu" in page
    assert "Du lagret tiltak 7" in page and "Noen andre" not in page


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "https://status.example.no"}


def test_users_demo_prints_the_address_the_app_is_on(runner, app, seeded):
    app.config["TRACKER_ENV"] = "development"
    result = runner.invoke(args=["users", "demo"])
    assert "logg inn på https://status.example.no/logg-inn" in result.output, result.output


def test_the_menu_says_what_the_report_page_does(client, app, login):
    world = build_world()
    login(world.coordinator)
    page = client.get("/rapportering/runder").get_data(as_text=True)
    assert "Rapport (Word og PDF)" in page and "Midtveisrapport (DOCX)" not in page
