"""The outside test's low findings, each as a person or a client would meet it: request size,
huge ids and NUL characters, the production SECRET_KEY, import rules, caching of signed-in
pages, e-mail addresses with hidden parts, and bidi overrides in public text."""

import json
import re
import secrets
import uuid

import pytest
from docx.oxml.ns import qn
from sqlalchemy import func, select

from tests.support.data_history import build_history
from tests.support.docx_reading import open_docx
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import (
    audit_events,
    build_world,
    csrf_token,
    field_error,
    make_user,
    snapshot,
)
from tracker import create_app
from tracker.config import ConfigurationError, load_config
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.models import MeasureReport, ReportingRound, Role, User
from tracker.reporting.states import ReviewState, RoundState

# --- Request size --------------------------------------------------------------------------


def test_a_huge_post_is_refused_with_413_in_norwegian_and_changes_nothing(client, app):
    build_world()
    before = snapshot()
    response = client.post(
        "/logg-inn",
        data={"email": "a@b.no", "password": "x" * (3 * 1024 * 1024)},
    )
    assert response.status_code == 413
    assert "Forespørselen er for stor" in response.get_data(as_text=True)
    assert snapshot() == before


# --- Ids beyond the database, NUL characters ---------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        PLAN_ONE + "/tiltak/9223372036854775807",
        PLAN_ONE + "/tiltak/99999999999999999999999",
        PLAN_ONE + "/tiltak/2147483648",
        PLAN_ONE + "/data/tiltak.json/../../tiltak/9223372036854775808",
    ],
)
def test_numbers_too_large_for_the_database_are_not_found(client, seeded, path):
    assert client.get(path).status_code == 404


def test_huge_ids_in_signed_in_pages_are_not_found(client, app, login):
    world = build_world()
    login(world.admin)
    assert client.get("/admin/brukere/9223372036854775807").status_code == 404
    login(world.lead_contact)
    huge = "/rapportering/status-2026/tiltak/99999999999999999999999"
    assert client.get(huge).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        PLAN_ONE + "/tiltak?q=%00",
        PLAN_ONE + "/enheter/%00",
        PLAN_ONE + "/data/%00/tiltak.json",
        PLAN_ONE + "/tiltak?omrade=a%00b",
    ],
)
def test_nul_characters_in_the_address_are_a_bad_request(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.get_data(as_text=True)


# --- SECRET_KEY in production ---------------------------------------------------------------


@pytest.mark.parametrize(
    "secret, reason",
    [
        ("a", "for kort (1 byte)"),
        ("changeme", "kjent standardverdi"),
        ("development-only-not-secret", "mangler"),
        ("x" * 31, "for kort (31 byte)"),
        ("a-long-random-secret-key-for-production-use", "kjent standardverdi"),
    ],
)
def test_production_refuses_a_short_or_known_secret_key(monkeypatch, secret, reason):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match=re.escape(reason)) as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "secrets.token_hex" in str(refused.value)


@pytest.mark.parametrize(
    "secret",
    [
        "a" * 32,  # 32 equal characters: long enough, and one guess
        "ab" * 16,
        "abcdefghijklmnopqrstuvwxyz012345",
        "qwertyuiopasdfghjklzxcvbnm123456",
        "Handlingsplan-2024-2027-Handlingsplan-2024-2027",
        "statusoppfølgingen-hemmelig-nøkkel-2026",
        # A short random part, repeated; named, so every pytest-xdist worker collects one test.
        pytest.param(secrets.token_hex(4) * 8, id="token_hex(4)*8"),
    ],
)
def test_production_refuses_a_long_key_that_is_easy_to_guess(monkeypatch, secret):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="SECRET_KEY er for lett å gjette") as refused:
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "secrets.token_hex" in str(refused.value)


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_hex(16),  # 32 characters
        lambda: secrets.token_hex(32),
        lambda: secrets.token_urlsafe(32),
        lambda: uuid.uuid4().hex,
    ],
    ids=["token_hex(16)", "token_hex(32)", "token_urlsafe(32)", "uuid4().hex"],
)
def test_production_accepts_random_keys(monkeypatch, make_key):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://tracker.example.no")
    key = make_key()
    monkeypatch.setenv("SECRET_KEY", key)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"] == key
    # Not a lucky draw: more keys through load_config, which is how create_app reads and
    # checks its settings (building the whole app again for each cost 0.05 s).
    for _ in range(19):
        key = make_key()
        monkeypatch.setenv("SECRET_KEY", key)
        assert load_config("", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})["SECRET_KEY"] == key


# --- flask data import: the app's rules ---------------------------------------------------


@pytest.fixture(scope="module")
def exported() -> dict:
    """The export of build_history's data, made once by the first test that needs it (a plan
    load and a dozen factories: 1.5–2.5 s a test): the import tests each change a copy."""
    return {}


@pytest.fixture
def export_file(app, plan_data, runner, tmp_path, exported):
    """An export of a database with history, and that database emptied."""
    path = tmp_path / "export.json"
    if "text" in exported:
        path.write_text(exported["text"], encoding="utf-8")
        return path  # the tables are empty: the app fixture empties them after each test
    build_history(plan_data)
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    exported["text"] = path.read_text(encoding="utf-8")
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    return path


def import_refused(runner, path, change) -> str:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["tables"])
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 1, result.output
    assert "Ingenting ble lest inn, og databasen er uendret" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    return result.output


def test_import_refuses_a_round_slug_with_a_line_break(runner, export_file):
    def change(tables):
        tables["reporting_rounds"][0]["slug"] = "midtveis\r\nSet-Cookie: x=1"

    assert "feltet «slug» kan bare ha små bokstaver" in import_refused(runner, export_file, change)


def test_import_refuses_a_password_hash_tracker_cannot_check(runner, export_file):
    def change(tables):
        tables["users"][0]["password_hash"] = "md5$abc$5f4dcc3b5aa765d61d8327deb882cf99"

    output = import_refused(runner, export_file, change)
    assert "feltet «password_hash» er ikke en passordhash tracker kan sjekke" in output


SALT, HASH = "AbCdEfGh12345678", "0" * 128


@pytest.mark.parametrize(
    "password_hash",
    [
        # Costly to check: sign-in held for 25 seconds (and the memory of a worker).
        f"pbkdf2:sha256:100000000${SALT}${HASH}",
        f"scrypt:1048576:8:1${SALT}${HASH}",
        f"scrypt:32768:64:16${SALT}${HASH}",
        # Not checkable at all: sign-in answered 500.
        f"scrypt:3:8:1${SALT}${HASH}",
        f"scrypt:32768:8:1${SALT}$xyz",
        f"pbkdf2:sha256:600000${SALT}${HASH}",  # checkable, but not what tracker writes
    ],
)
def test_import_refuses_a_password_hash_tracker_would_not_write(runner, export_file, password_hash):
    def change(tables):
        tables["users"][0]["password_hash"] = password_hash

    output = import_refused(runner, export_file, change)
    assert "feltet «password_hash» er ikke en passordhash tracker kan sjekke" in output
    assert "scrypt:32768:8:1$<salt>$<hash>" in output


def outbox_row(**values) -> dict:
    return {
        "id": 9001,
        "created_at": "2026-05-01T08:00:00+00:00",
        "event": "password_reset",
        "event_key": "password_reset:1:abc",
        "recipient": "leder@led.example.no",
        "user_id": None,
        "subject": "Nytt passord til statusoversikten",
        "body_text": "Hei",
        "body_html": "<p>Hei</p>",
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": "2026-05-01T08:00:00+00:00",
        "claimed_until": None,
        "claim_token": None,
        "sent_at": None,
        "last_error": "",
        "unsubscribe_url": None,
    } | values


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"subject": "Hei\r\nBcc: spion@evil.example"}, "feltet «subject» må stå på én linje"),
        ({"subject": "Hei =?utf-8?q?x=0ABcc:_s@evil.example?="}, "kan ikke inneholde «=?»"),
        ({"recipient": "a@led.example.no, b@led.example.no"}, "én gyldig e-postadresse"),
        ({"recipient": "kari@"}, "én gyldig e-postadresse"),
        (
            {"unsubscribe_url": "https://t.example.no/x>\r\nBcc: spion@evil.example"},
            "feltet «unsubscribe_url» må være én adresse",
        ),
    ],
)
def test_import_refuses_outbox_rows_the_sender_cannot_send(runner, export_file, values, message):
    def change(tables):
        tables["mail_messages"].append(outbox_row(**values))

    assert message in import_refused(runner, export_file, change)


def test_import_takes_an_outbox_row_as_the_app_writes_it(runner, export_file):
    document = json.loads(export_file.read_text(encoding="utf-8"))
    document["tables"]["mail_messages"].append(outbox_row())
    export_file.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["data", "import", str(export_file)])
    assert result.exit_code == 0, result.output


def test_import_refuses_two_open_rounds(runner, export_file):
    def change(tables):
        first = dict(tables["reporting_rounds"][0])
        tables["reporting_rounds"][0]["state"] = "open"
        second = first | {"id": 999, "slug": "enda-en", "state": "open"}
        tables["reporting_rounds"].append(second)

    assert "bare én rapporteringsrunde per plan kan være åpen" in import_refused(
        runner, export_file, change
    )


def test_import_refuses_emails_that_differ_only_in_case(runner, export_file):
    def change(tables):
        tables["users"][1]["email"] = tables["users"][0]["email"].upper()

    output = import_refused(runner, export_file, change)
    assert "store og små bokstaver teller ikke" in output


def test_import_refuses_an_email_with_hidden_parts(runner, export_file):
    def change(tables):
        tables["users"][0]["email"] = "k@aid.no?bcc=spion@example.no"

    assert "ikke en gyldig e-postadresse" in import_refused(runner, export_file, change)


# --- Signed-in pages are never stored --------------------------------------------------------


def test_signed_in_pages_and_the_one_time_password_are_not_stored(client, app, login):
    world = build_world()
    login(world.admin)
    for path in ("/admin/brukere", "/admin/logg", "/"):
        assert "no-store" in client.get(path).headers["Cache-Control"], path
    shown = client.post(
        f"/admin/brukere/{world.lead_contact.id}/nytt-passord",
        data={"csrf_token": csrf_token(client, "/admin/brukere")},
    )
    assert 'id="generated-password"' in shown.get_data(as_text=True)
    assert "no-store" in shown.headers["Cache-Control"]
    login(world.co_contact)
    assert "no-store" in client.get("/rapportering/").headers["Cache-Control"]


def test_anonymous_public_pages_stay_cacheable(client, seeded):
    response = client.get("/")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "public" in response.headers["Cache-Control"]


# --- E-mail addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "k@aid.no?bcc=spion%40angriper.example",  # what the outside test stored
        "k@aid.no?bcc=spion@example.no",
        "k@aid.no&cc=x@y.no",
        # Valid by RFC 5322, but a mailto: link reads them as an @, a header field or a second
        # recipient: the %40 bypass of the earlier fix.
        "spion%40angriper.example@aid.no",
        "k%3Fbcc%3Dspion%40angriper.example@aid.no",
        "k?bcc=spion@aid.no",
        "k&cc=spion@aid.no",
        "k#x@aid.no",
        "k@@aid.no",
        "k @aid.no",
        "k@aid",
    ],
)
def test_an_address_with_hidden_parts_is_refused_by_the_admin_form(client, app, login, address):
    world = build_world()
    login(world.admin)
    before = snapshot()
    response = client.post(
        "/admin/brukere/ny",
        data={
            "email": address,
            "name": "Kari",
            "role": "coordinator",
            "unit": "",
            "password": "",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert "Dette ser ikke ut som en e-postadresse." in field_error(
        response.get_data(as_text=True), "email"
    )
    assert snapshot() == before


def test_mailto_links_carry_exactly_the_stored_address(client, app, login):
    """An address stored before the rule (or by an older import) still cannot add a recipient:
    every mailto: link is percent-encoded."""
    world = build_world()
    make_user(Role.CONTACT, world.lead, email="k%40spion.example@led.example.no", name="Kari")
    make_user(Role.CONTACT, world.lead, email="k?bcc=spion@led.example.no", name="Kåre")
    db.session.commit()
    login(world.coordinator)
    page = client.get("/rapportering/status-2026/oversikt").get_data(as_text=True)
    assert 'href="mailto:k%2540spion.example@led.example.no"' in page
    assert 'href="mailto:k%3Fbcc%3Dspion@led.example.no"' in page
    assert 'href="mailto:leder@led.example.no"' in page  # ordinary addresses read as before
    assert "mailto:k%40" not in page and "mailto:k?bcc" not in page


def test_the_cli_refuses_an_address_with_hidden_parts(runner, app):
    build_world()
    result = runner.invoke(
        args=["users", "create", "k@aid.no?bcc=spion@example.no", "--role", "coordinator"]
    )
    assert result.exit_code == 1 and "ikke ut som en e-postadresse" in result.output
    assert audit_events("user_created") == []


# --- Bidi overrides ----------------------------------------------------------------------


def test_bidi_overrides_never_reach_public_text(client, seeded):
    report = db.session.scalars(
        select(MeasureReport).join(ReportingRound).where(ReportingRound.slug == "midtveis-2025")
    ).first()
    # Stored before this rule existed (or imported): the page still shows it without them.
    report.narrative = "Betal til konto \u202e0987 6543 21\u202c og \u2067skjult\u2069 nå."
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak/{report.measure.number}").get_data(as_text=True)
    assert "Betal til konto 0987 6543 21 og skjult nå." in page
    assert not any(char in page for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2069")


def test_bidi_overrides_are_dropped_when_a_narrative_is_saved(client, app, login):
    world = build_world()
    login(world.lead_contact)
    response = client.post(
        world.report_url,
        data={
            "status": "in_progress",
            "narrative": "Ferdig \u202etxet\u202c i dag.",
            "version": "1",
            "save": "Lagre",
            "csrf_token": csrf_token(client, world.report_url),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MeasureReport, world.report.id).narrative == "Ferdig txet i dag."


# --- Links whose words name another address ------------------------------------------------

MISLEADING = "Les [https://www.regjeringen.no/handlingsplan](https://evil.example/logg-inn) nå."


def test_a_link_showing_one_address_and_going_to_another_shows_both_on_the_public_page(
    client, seeded
):
    report = db.session.scalars(
        select(MeasureReport).join(ReportingRound).where(ReportingRound.slug == "midtveis-2025")
    ).first()
    report.narrative = MISLEADING  # stored before this rule (or imported)
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak/{report.measure.number}").get_data(as_text=True)
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', page))
    # Every address a reader sees goes where it says, and the real target is in plain sight.
    assert links["https://www.regjeringen.no/handlingsplan"] == (
        "https://www.regjeringen.no/handlingsplan"
    )
    assert links["https://evil.example/logg-inn"] == "https://evil.example/logg-inn"
    assert all(text == href for text, href in links.items() if text.startswith("http"))


def test_a_link_showing_one_address_and_going_to_another_shows_both_in_the_report(app):
    world = build_world(round_state=RoundState.PUBLISHED)
    world.report.narrative = MISLEADING
    world.report.review_state = ReviewState.APPROVED
    db.session.commit()
    document = open_docx(build_midterm_report(collect_report_data(world.reporting_round)))
    urls = {rel.rId: rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    shown = {
        "".join(t.text for t in link.iter(qn("w:t"))): urls[link.get(qn("r:id"))]
        for link in document.element.body.findall(".//" + qn("w:hyperlink"))
        # Links within the document (the report's table of contents) have an anchor, no r:id.
        if link.get(qn("r:id")) is not None
    }
    assert shown == {
        "https://www.regjeringen.no/handlingsplan": "https://www.regjeringen.no/handlingsplan",
        "https://evil.example/logg-inn": "https://evil.example/logg-inn",
    }
    text = next(p.text for p in document.paragraphs if "Les " in p.text)
    assert text == (
        "Les https://www.regjeringen.no/handlingsplan (https://evil.example/logg-inn) nå."
    )
