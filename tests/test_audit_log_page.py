"""The audit log page survives a flood: repeated failures collapse into one row, every event
stays reachable through pages and filters, and events read as Norwegian words."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from tests.support.workflow import audit_events, build_world, csrf_token
from tracker.audit.events import BOUNDED_EVENTS_PER_SOURCE_PER_HOUR
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.mail.models import OutboxMessage


def add_events(rows):
    db.session.execute(insert(AuditEvent), rows)
    db.session.commit()


def failure(n, at, email=None, address="203.0.113.9"):
    return {
        "event": "login_failed",
        "email": email or f"gjett{n}@example.no",
        "remote_addr": address,
        "created_at": at,
        "details": {},
    }


def older_link(page: str) -> str:
    return html.unescape(re.search(r'rel="next" href="([^"]+)"', page).group(1))


def newer_link(page: str) -> str:
    return html.unescape(re.search(r'rel="prev" href="([^"]+)"', page).group(1))


def event_rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr(?: class=\"audit-group\")?>.*?</tr>", body, flags=re.S)


@pytest.fixture
def admin_client(client, app, login):
    world = build_world()
    login(world.admin)
    return client, world


def test_a_flood_of_failures_is_one_row_and_other_events_stay_on_the_first_page(admin_client):
    client, world = admin_client
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    add_events(
        [
            {
                "event": "round_published",
                "email": "koordinator@example.no",
                "remote_addr": "10.0.0.1",
                "created_at": start,
                "details": {"round": "midtveis-2025"},
            }
        ]
        + [failure(n, start + timedelta(seconds=n)) for n in range(210)]
    )
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Runde publisert" in page  # was pushed off the 200-row page by 210 failures
    assert page.count('data-event="login_failed"') == 1
    assert "× 210" in page and "210 e-postadresser" in page and "1 adresse: 203.0.113.9" in page


def test_pages_reach_every_event_and_filters_narrow_them(admin_client):
    client, world = admin_client
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    # Alternating events never form a run: 120 rows, three pages of 50.
    rows = []
    for n in range(60):
        moment = start + timedelta(days=n % 20, minutes=n)
        rows.append(failure(n, moment, email=f"person{n}@example.no"))
        rows.append(
            {
                "event": "logout",
                "email": f"person{n}@example.no",
                "remote_addr": "10.0.0.2",
                "created_at": moment + timedelta(seconds=1),
                "details": {},
            }
        )
    add_events(rows)
    first = client.get("/admin/logg").get_data(as_text=True)
    assert "50 linjer" in first and 'rel="prev"' not in first
    second = client.get(older_link(first)).get_data(as_text=True)
    assert "50 linjer" in second
    third = client.get(older_link(second)).get_data(as_text=True)
    assert "20 linjer" in third and "person0@example.no" in third
    assert 'rel="next"' not in third  # the oldest page
    # «Nyere» leads back the same way.
    back = client.get(newer_link(third)).get_data(as_text=True)
    assert event_rows(back) == event_rows(second)
    assert event_rows(client.get(newer_link(second)).get_data(as_text=True)) == event_rows(first)
    # An old «side» link still answers, with the newest page.
    assert event_rows(client.get("/admin/logg?side=3").get_data(as_text=True)) == event_rows(first)

    by_type = client.get("/admin/logg?hendelse=logout").get_data(as_text=True)
    assert by_type.count('data-event="logout"') == 50 and 'data-event="login_failed"' not in by_type
    by_person = client.get("/admin/logg?bruker=PERSON17@").get_data(as_text=True)
    assert "person17@example.no" in by_person and "person18@example.no" not in by_person
    assert "2 linjer" in by_person
    # Day 3 (Oslo time) holds n = 2, 22, 42: six events.
    by_date = client.get("/admin/logg?fra=2026-11-03&til=2026-11-03").get_data(as_text=True)
    assert "6 linjer" in by_date


def test_bad_filter_values_get_a_message_and_are_ignored(admin_client):
    client, world = admin_client
    add_events([failure(1, datetime(2026, 11, 2, 8, 0, tzinfo=UTC))])
    response = client.get("/admin/logg?hendelse=finnes_ikke&fra=i-går&eldre=-4&nyere=x")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Velg en hendelse fra listen." in page
    assert "Skriv datoen som ÅÅÅÅ-MM-DD" in page
    assert "1 linje" in page and "gjett1@example.no" in page  # listed, unfiltered


def test_events_read_as_norwegian_words(admin_client):
    client, world = admin_client
    client.post(
        f"/admin/brukere/{world.lead_contact.id}/deaktiver", data={"csrf_token": csrf_token(client)}
    )
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Bruker deaktivert" in page and ">user_deactivated<" not in page


FLOOD_KINDS = ("login_failed", "login_throttled", "password_reset_requested")


def flood(count, start, address="203.0.113.9"):
    return [
        {
            "event": FLOOD_KINDS[n % len(FLOOD_KINDS)],
            "email": f"gjett{n}@example.no",
            "remote_addr": address,
            "created_at": start + timedelta(seconds=n),
            "details": {},
        }
        for n in range(count)
    ]


def test_a_flood_that_alternates_kinds_is_still_one_row(admin_client):
    """Alternating failed sign-ins, refused sign-ins and reset requests made a row of each."""
    client, world = admin_client
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    published = {
        "event": "round_published",
        "email": "koordinator@example.no",
        "remote_addr": "10.0.0.1",
        "created_at": start - timedelta(minutes=1),
        "details": {"round": "midtveis-2025"},
    }
    add_events([published, *flood(300, start)])
    page = client.get("/admin/logg").get_data(as_text=True)
    assert "Runde publisert" in page
    assert len(event_rows(page)) == 2
    assert "× 300" in page and "300 e-postadresser" in page
    assert page.count("data-kind=") == 3  # the kinds in the run, each with its count
    assert "Mislykket innlogging: 100" in page and "Glemt passord: lenke bedt om: 100" in page


def test_one_page_reads_a_bounded_part_of_an_endless_run(admin_client, monkeypatch):
    """However long a flood, a page reads at most PAGE_SCAN_LIMIT events; the run goes on on
    the next page, and every event stays reachable."""
    client, world = admin_client
    monkeypatch.setattr("tracker.audit.queries.PAGE_SCAN_LIMIT", 400)
    monkeypatch.setattr("tracker.audit.queries.SCAN_CHUNK", 150)
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    add_events(flood(1000, start))
    seen = 0
    path = "/admin/logg"
    for _ in range(2):
        page = client.get(path).get_data(as_text=True)
        counts = [int(n) for n in re.findall(r"× (\d+)\+", page)]
        assert counts == [400] and "Fortsetter på neste side." in page
        seen += counts[0]
        path = older_link(page)
    last = client.get(path).get_data(as_text=True)
    assert "× 200<" in last and 'rel="next"' not in last
    assert seen + 200 == 1000


def test_one_address_writes_a_bounded_number_of_refusals(app, client):
    """Refused sign-ins and refused reset requests cost an attacker nothing; beyond the bound
    per address and hour they are no longer written, and one marker says so."""
    build_world()
    attacker, other = "203.0.113.9", "198.51.100.20"
    now = datetime.now(UTC)
    add_events(
        [
            {**failure(n, now - timedelta(seconds=200 - n), address=attacker)}
            for n in range(app.config["LOGIN_ADDRESS_FREE_FAILURES"] + 5)
        ]
        + [
            {**failure(n, now - timedelta(seconds=100 - n), address=attacker)}
            | {"event": "login_throttled"}
            for n in range(BOUNDED_EVENTS_PER_SOURCE_PER_HOUR)
        ]
    )
    token = csrf_token(client, "/logg-inn")
    for n in range(5):
        refused = client.post(
            "/logg-inn",
            data={"email": f"gjett{n}@example.no", "password": "x", "csrf_token": token},
            environ_base={"REMOTE_ADDR": attacker},
        )
        assert refused.status_code == 429  # the throttle still refuses, it is just not written
        client.post(
            "/glemt-passord",
            data={"email": "leder@led.example.no", "csrf_token": token},
            environ_base={"REMOTE_ADDR": attacker},
        )
    assert len(audit_events("login_throttled")) == BOUNDED_EVENTS_PER_SOURCE_PER_HOUR
    assert audit_events("password_reset_requested") == []
    [marker] = audit_events("audit_events_suppressed")
    assert marker.remote_addr == attacker
    assert db.session.scalars(select(OutboxMessage)).all() == []
    # Another address is not affected, and neither is what the throttle counts.
    client.post(
        "/logg-inn",
        data={"email": "leder@led.example.no", "password": "feil", "csrf_token": token},
        environ_base={"REMOTE_ADDR": other},
    )
    assert audit_events("login_failed")[-1].remote_addr == other
