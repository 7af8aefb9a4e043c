"""The audit log page survives a flood: repeated failures collapse into one row, every event
stays reachable through pages and filters, and events read as Norwegian words."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from tests.support.workflow import build_world, csrf_token
from tracker.audit.models import AuditEvent
from tracker.extensions import db


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
    assert "side 1 av 3" in first
    third = client.get("/admin/logg?side=3").get_data(as_text=True)
    assert "side 3 av 3" in third and "person0@example.no" in third

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
    response = client.get("/admin/logg?hendelse=finnes_ikke&fra=i-går&side=-4")
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
