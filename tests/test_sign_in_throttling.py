"""Sign-in throttling through the real form (NIST SP 800-63B §5.2.2): the guesser waits longer
and longer, the owner is never locked out.

Time moves by back-dating the audit rows the throttle reads, never by sleeping. Each request
runs in its own app context and database session, as in a gunicorn worker, so what one request
counts is what the next one sees from the database alone.
"""

import re
from datetime import timedelta

from sqlalchemy import select

from tests.support.workflow import PASSWORD, audit_events, build_world, csrf_token
from tracker.audit.models import AuditEvent
from tracker.extensions import db

WAIT = "For mange mislykkede forsøk på å logge inn."
ALERT = re.compile(r'<div class="ds-alert"[^>]*id="login-error">.*?</div>', re.S)
OWNER = "leder@led.example.no"
OFFICE, ATTACKER, NEW_LAPTOP = "198.51.100.7", "203.0.113.9", "192.0.2.44"


def attempt(client, email, password, address="127.0.0.1"):
    token = csrf_token(client, "/logg-inn")
    return client.post(
        "/logg-inn",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def sign_out(client):
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})


def move_clock(seconds):
    """Pretend ``seconds`` have passed: every audit row becomes that much older."""
    # Row by row in Python: SQLite cannot subtract an interval from its stored timestamps.
    for event in db.session.scalars(select(AuditEvent)):
        event.created_at -= timedelta(seconds=seconds)
    db.session.commit()


def alert(response) -> str:
    return ALERT.search(response.get_data(as_text=True)).group(0)


def signed_in_once_from(client, address):
    assert attempt(client, OWNER, PASSWORD, address).status_code == 302
    sign_out(client)
    move_clock(3600)


def test_the_owner_at_a_known_address_signs_in_while_the_account_is_under_attack(client):
    build_world()
    signed_in_once_from(client, OFFICE)
    answers = [attempt(client, OWNER, f"gjetning-{n}-abc", ATTACKER).status_code for n in range(8)]
    # Five free guesses, then each attempt must wait; waiting attempts are refused unchecked.
    assert answers == [401] * 4 + [429] * 4
    refused = attempt(client, OWNER, PASSWORD, ATTACKER)
    assert refused.status_code == 429 and WAIT in refused.get_data(as_text=True)

    signed_in = attempt(client, OWNER, PASSWORD, OFFICE)
    assert signed_in.status_code == 302 and signed_in.location == "/rapportering/"


def test_the_owner_at_a_new_address_waits_seconds_not_a_lockout(client):
    build_world()
    for n in range(5):
        attempt(client, OWNER, f"gjetning-{n}-abc", ATTACKER)
    refused = attempt(client, OWNER, PASSWORD, NEW_LAPTOP)
    assert refused.status_code == 429
    assert 25 <= int(refused.headers["Retry-After"]) <= 30
    assert "sekunder" in alert(refused)
    move_clock(31)
    assert attempt(client, OWNER, PASSWORD, NEW_LAPTOP).status_code == 302


def test_waits_double_with_each_failure_and_hammering_does_not_lengthen_them(client):
    build_world()
    waits = []
    for n in range(5):
        answer = attempt(client, OWNER, f"gjetning-{n}-abc", ATTACKER)
    waits.append(int(answer.headers["Retry-After"]))
    for n in range(7):
        for _hammer in range(3):  # refused unchecked: not failures, so the wait stays
            assert attempt(client, OWNER, PASSWORD, ATTACKER).status_code == 429
        move_clock(waits[-1] + 1)
        answer = attempt(client, OWNER, f"ny-gjetning-{n}-abc", ATTACKER)
        assert answer.status_code == 429
        waits.append(int(answer.headers["Retry-After"]))
    # Within a second: the wait is counted from the failure's own timestamp.
    expected = [30, 60, 120, 240, 480, 900, 900, 900]
    assert all(abs(wait - want) <= 1 for wait, want in zip(waits, expected, strict=True)), waits
    assert len(audit_events("login_failed")) == 12
    assert len(audit_events("login_throttled")) == 21
    assert {event.details["scope"] for event in audit_events("login_throttled")} == {"account"}


def test_the_wait_says_the_same_whether_or_not_the_account_exists(client):
    build_world()
    for n in range(5):
        known = attempt(client, OWNER, f"gjetning-{n}-abc")
        unknown = attempt(client, "finnes.ikke@led.example.no", f"gjetning-{n}-abc", "10.0.0.2")
        assert known.status_code == unknown.status_code
    assert known.status_code == 429
    # The same words; the seconds left may differ by one between two requests on a busy machine.
    assert re.sub(r"\d+", "N", alert(known)) == re.sub(r"\d+", "N", alert(unknown))


def test_guessing_many_accounts_from_one_address_does_not_stop_its_regular_users(client):
    build_world()
    ministry_network = "203.0.113.50"
    signed_in_once_from(client, ministry_network)
    answers = [
        attempt(client, f"gjett{n}@example.no", "gjetning-abc-123", ministry_network).status_code
        for n in range(22)
    ]
    assert answers == [401] * 19 + [429] * 3
    assert audit_events("login_throttled")[-1].details["scope"] == "address"
    # The owner, who has signed in from the ministry's network before, is let through…
    assert attempt(client, OWNER, PASSWORD, ministry_network).status_code == 302
    sign_out(client)
    # …a colleague who never has waits, but only for seconds, not a lockout.
    first_time = attempt(client, "med@med.example.no", PASSWORD, ministry_network)
    assert first_time.status_code == 429 and int(first_time.headers["Retry-After"]) <= 30
    move_clock(31)
    assert attempt(client, "med@med.example.no", PASSWORD, ministry_network).status_code == 302


def test_a_successful_sign_in_does_not_reset_the_address_count(client):
    build_world()
    guesser = "203.0.113.10"
    for n in range(19):
        attempt(client, f"gjett{n}@example.no", "gjetning-abc-123", guesser)
    # The guesser owns an account and signs in with it from the same address…
    assert attempt(client, "annen@ann.example.no", PASSWORD, guesser).status_code == 302
    sign_out(client)
    # …which does not give them more guesses at other accounts from there.
    assert attempt(client, "gjett99@example.no", "gjetning-abc-123", guesser).status_code == 429


def test_a_known_address_keeps_its_own_count(client):
    """An attacker behind the owner's own address is throttled by that pair's count."""
    build_world()
    signed_in_once_from(client, OFFICE)
    answers = [attempt(client, OWNER, f"gjetning-{n}-abc", OFFICE).status_code for n in range(6)]
    assert answers == [401] * 4 + [429] * 2
    assert audit_events("login_throttled")[-1].details["scope"] == "pair"
