"""Sign-in throttling through the real form: slowed, then refused, then open again.

Time moves by back-dating the audit rows the throttle reads, never by sleeping. Each request
runs in its own app context and database session, as in a gunicorn worker, so what one request
counts is what the next one sees from the database alone.
"""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.workflow import PASSWORD, audit_events, build_world, csrf_token
from tracker.audit.models import AuditEvent
from tracker.extensions import db

LOCKED = "For mange mislykkede forsøk på å logge inn."
WRONG_CREDENTIALS = "Feil e-postadresse eller passord."
ALERT = re.compile(r'<div class="ds-alert"[^>]*id="login-error">.*?</div>', re.S)


@pytest.fixture
def app_config():
    # Real delays, but short ones, so the suite stays fast.
    return {"LOGIN_DELAY_STEP_SECONDS": 0.05, "LOGIN_DELAY_MAX_SECONDS": 0.1}


def attempt(client, email, password, address="127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/logg-inn")
    return client.post(
        "/logg-inn",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def sign_out(client):
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})


def move_clock(minutes):
    """Pretend ``minutes`` have passed: every audit row becomes that much older."""
    # Row by row in Python: SQLite cannot subtract an interval from its stored timestamps.
    for event in db.session.scalars(select(AuditEvent)):
        event.created_at -= timedelta(minutes=minutes)
    db.session.commit()


def alert(response) -> str:
    return ALERT.search(response.get_data(as_text=True)).group(0)


def test_five_failures_lock_the_account_then_its_owner_signs_in_after_the_lock(client):
    world = build_world()
    answers = [attempt(client, "leder@led.example.no", f"feil-passord-{n}") for n in range(5)]
    assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 429]
    assert LOCKED in answers[-1].get_data(as_text=True)
    assert answers[-1].headers["Retry-After"] == str(15 * 60)

    # The right password is refused too while the lock lasts, and not even checked.
    refused = attempt(client, "leder@led.example.no", PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    assert client.get("/rapportering/").status_code == 302
    [locked] = audit_events("login_locked")
    assert locked.email == "leder@led.example.no" and locked.details["scope"] == "account"
    assert [event.details["scope"] for event in audit_events("login_throttled")] == ["account"]
    assert audit_events("login") == []
    # Another account from the same address is not affected by this account's lock.
    assert attempt(client, "med@med.example.no", PASSWORD).status_code == 302
    sign_out(client)

    move_clock(14)
    still = attempt(client, "leder@led.example.no", PASSWORD)
    assert still.status_code == 429 and "1 minutt " in still.get_data(as_text=True)
    move_clock(2)
    signed_in = attempt(client, "leder@led.example.no", PASSWORD)
    assert signed_in.status_code == 302 and signed_in.location == "/rapportering/"
    assert [event.user_id for event in audit_events("login")] == [
        world.co_contact.id,
        world.lead_contact.id,
    ]


def test_hammering_a_locked_account_does_not_extend_the_lock(client):
    build_world()
    for n in range(5):
        attempt(client, "leder@led.example.no", f"feil-passord-{n}")
    move_clock(10)
    for n in range(10):
        assert attempt(client, "leder@led.example.no", f"gjetning-{n}").status_code == 429
    move_clock(6)
    assert attempt(client, "leder@led.example.no", PASSWORD).status_code == 302


def test_the_lock_says_the_same_whether_or_not_the_account_exists(client):
    build_world()
    for n in range(5):
        known = attempt(client, "leder@led.example.no", f"feil-passord-{n}")
        unknown = attempt(
            client, "finnes.ikke@led.example.no", f"feil-passord-{n}", address="10.0.0.2"
        )
        assert known.status_code == unknown.status_code
    assert known.status_code == 429
    assert alert(known) == alert(unknown)
    assert {event.email for event in audit_events("login_locked")} == {
        "leder@led.example.no",
        "finnes.ikke@led.example.no",
    }


def test_answers_to_wrong_passwords_slow_down_and_the_delay_is_bounded(client):
    build_world()
    elapsed = []
    for n in range(4):
        started = time.monotonic()
        assert attempt(client, "leder@led.example.no", f"feil-passord-{n}").status_code == 401
        elapsed.append(time.monotonic() - started)
    delays = [event.details.get("delay_seconds", 0) for event in audit_events("login_failed")]
    assert delays == [0, 0, 0.05, 0.1]
    # A lower bound only: the answer was really held back at least that long.
    assert elapsed[2] >= 0.05 and elapsed[3] >= 0.1


def test_a_successful_sign_in_starts_the_account_count_afresh(client):
    build_world()
    for n in range(4):
        attempt(client, "leder@led.example.no", f"feil-passord-{n}")
    assert attempt(client, "leder@led.example.no", PASSWORD).status_code == 302
    sign_out(client)
    answers = [
        attempt(client, "leder@led.example.no", f"ny-feil-{n}").status_code for n in range(4)
    ]
    assert answers == [401, 401, 401, 401]
    assert attempt(client, "leder@led.example.no", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_it_for_every_account(client):
    build_world()
    guesser = "203.0.113.9"
    answers = [
        attempt(client, f"gjett{n}@example.no", "feil-passord-123", guesser).status_code
        for n in range(20)
    ]
    assert answers == [401] * 19 + [429]
    [locked] = audit_events("login_locked")
    assert locked.remote_addr == guesser and locked.details["scope"] == "address"

    # Even the right password for an account with no failures of its own is refused from there…
    refused = attempt(client, "leder@led.example.no", PASSWORD, guesser)
    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    # …while the owner, from their own address, signs in as usual.
    assert attempt(client, "leder@led.example.no", PASSWORD, "198.51.100.7").status_code == 302
    sign_out(client)
    move_clock(16)
    assert attempt(client, "leder@led.example.no", PASSWORD, guesser).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_address_count(client):
    build_world()
    guesser = "203.0.113.10"
    for n in range(19):
        attempt(client, f"gjett{n}@example.no", "feil-passord-123", guesser)
    # The guesser owns an account and signs in with it from the same address.
    assert attempt(client, "annen@ann.example.no", PASSWORD, guesser).status_code == 302
    sign_out(client)
    assert attempt(client, "gjett99@example.no", "feil-passord-123", guesser).status_code == 429
    assert attempt(client, "annen@ann.example.no", PASSWORD, guesser).status_code == 429
