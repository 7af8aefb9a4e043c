"""Single sign-on without a browser: settings, which claims name a person, what an
administrator controls (break-glass, the link), and what the backup carries. The redirect flow
itself is walked in Chromium against a real provider in tests/browser/test_single_sign_on.py."""

import json

import pytest
from sqlalchemy import select

from tests.support.workflow import (
    PASSWORD,
    audit_events,
    build_world,
    csrf_token,
    fresh,
    make_user,
)
from tracker import create_app
from tracker.config import ConfigurationError
from tracker.extensions import db
from tracker.models import Role, User
from tracker.sso.claims import verified_email
from tracker.sso.operations import sign_in_with_provider

ISSUER = "https://login.microsoftonline.com/tenant-id/v2.0"
# Nothing listens here: discovery is lazy, so the app starts without the provider.
UNREACHABLE_ISSUER = "http://127.0.0.1:9/tenant"


def sso_settings(**extra):
    return {
        "OIDC_ISSUER": UNREACHABLE_ISSUER,
        "OIDC_CLIENT_ID": "tracker",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_PROVIDER_NAME": "Logg inn med departementets konto",
    } | extra


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


# --- Settings ---------------------------------------------------------------------------------


def build(monkeypatch, **environment):
    for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_SCOPES", "PASSWORD_LOGIN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_password_login_off_without_a_provider_is_refused_clearly(monkeypatch):
    with pytest.raises(ConfigurationError, match="PASSWORD_LOGIN=off krever"):
        build(monkeypatch, PASSWORD_LOGIN="off")


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"OIDC_ISSUER": ISSUER}, "OIDC_CLIENT_ID mangler"),
        ({"OIDC_ISSUER": "login.example.no", "OIDC_CLIENT_ID": "x"}, "OIDC_ISSUER må være"),
        ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "x", "OIDC_SCOPES": "email"}, "«openid»"),
        ({"PASSWORD_LOGIN": "nei"}, "PASSWORD_LOGIN må være «on» eller «off»"),
    ],
)
def test_incomplete_single_sign_on_settings_are_refused(monkeypatch, environment, message):
    with pytest.raises(ConfigurationError, match=message):
        build(monkeypatch, **environment)


def test_settings_from_the_environment(monkeypatch):
    app = build(
        monkeypatch,
        OIDC_ISSUER=ISSUER,
        OIDC_CLIENT_ID="client",
        OIDC_SCOPES="openid email",
        PASSWORD_LOGIN="off",
    )
    assert app.config["OIDC_SCOPES"] == "openid email"
    assert app.config["PASSWORD_LOGIN"] is False
    assert "tracker.sso" in app.extensions


# --- Without OIDC_ISSUER nothing changes ------------------------------------------------------


def test_without_an_issuer_the_sign_in_page_is_as_before(client, app):
    page = client.get("/logg-inn").get_data(as_text=True)
    assert 'id="sso-sign-in"' not in page
    assert 'name="password"' in page
    assert client.get("/logg-inn/sso").status_code == 404
    assert client.get("/logg-inn/nodtilgang").status_code == 302


# --- Which claims name a person ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "Kari@AID.dep.no", "email_verified": True}, "kari@aid.dep.no"),
        # Entra ID's word for it: the tenant owns the address's domain.
        ({"email": "kari@aid.dep.no", "xms_edov": True}, "kari@aid.dep.no"),
        (
            {"email": " kari@aid.dep.no ", "email_verified": True, "xms_edov": True},
            "kari@aid.dep.no",
        ),
        # Norwegian letters that stay themselves are an address like any other.
        ({"email": "Øyvind@aid.dep.no", "email_verified": True}, "øyvind@aid.dep.no"),
    ],
)
def test_an_address_the_provider_vouches_for(claims, expected):
    assert verified_email(claims) == expected


@pytest.mark.parametrize(
    "claims",
    [
        # Not vouched for: a string is not the JSON value true, and silence is not a yes.
        {"email": "kari@aid.dep.no", "email_verified": "false"},
        {"email": "kari@aid.dep.no", "email_verified": "true"},
        {"email": "kari@aid.dep.no", "email_verified": 1},
        {"email": "kari@aid.dep.no"},
        {"email": "kari@aid.dep.no", "email_verified": True, "xms_edov": False},
        {"email": "kari@aid.dep.no", "xms_edov": "True"},
        # Names anyone can give themselves never count, whatever comes with them.
        {"email": "kari@x.no", "email_verified": False, "preferred_username": "kari@aid.dep.no"},
        {"preferred_username": "kari@aid.dep.no", "email_verified": True},
        {"upn": "KARI@aid.dep.no", "email_verified": True},
        # Look-alikes that lower-case or fold to someone else's address.
        {"email": "\u212aari@aid.dep.no", "email_verified": True},  # Kelvin sign
        {"email": "ｋari@aid.dep.no", "email_verified": True},  # full-width k
        {"email": "kari@a\u0130d.dep.no", "email_verified": True},  # dotted capital I
        {"email": "kari＠aid.dep.no", "email_verified": True},  # full-width @
        {"email": "kari@aid.dep.no" + "x" * 250, "email_verified": True},
        {"email": ["kari@aid.dep.no"], "email_verified": True},
        {"preferred_username": "kari", "name": "Kari"},
        {},
    ],
)
def test_no_address_unless_the_provider_vouches_for_that_very_one(claims):
    assert verified_email(claims) is None


def test_a_look_alike_address_does_not_sign_in_as_the_account_it_imitates(app):
    kari = make_user(Role.COORDINATOR, email="kari@kud.example.no")
    db.session.flush()
    with app.test_request_context():
        for claims in (
            {"email": "\u212aari@kud.example.no", "email_verified": True},
            {
                "email": "mallory@evil.example",
                "email_verified": False,
                "preferred_username": "kari@kud.example.no",
            },
            {"email": "kari@kud.example.no", "email_verified": "false"},
        ):
            attempt = sign_in_with_provider({"iss": ISSUER, "sub": "mallory", **claims})
            assert attempt.user is None and attempt.refusal == "unknown", claims
    assert fresh(kari).oidc_subject is None  # never linked to the impostor


# --- Matching (the operation) -----------------------------------------------------------------


def test_an_account_linked_to_one_person_is_not_handed_to_another(app):
    kari = make_user(Role.COORDINATOR, email="kari@kud.example.no")
    kari.oidc_issuer, kari.oidc_subject = ISSUER, "kari-subject"
    db.session.flush()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.9"}):
        # Someone else now holds Kari's address at the provider.
        attempt = sign_in_with_provider(
            {
                "iss": ISSUER,
                "sub": "someone-else",
                "email": "kari@kud.example.no",
                "email_verified": True,
            }
        )
        assert attempt.user is None and attempt.refusal == "linked_elsewhere"
        # Kari herself, with a new address, still gets in.
        attempt = sign_in_with_provider(
            {"iss": ISSUER, "sub": "kari-subject", "email": "kari.ny@kud.example.no"}
        )
        assert attempt.user == kari and attempt.refusal is None
    assert fresh(kari).oidc_subject == "kari-subject"
    [failed] = audit_events("login_failed")
    assert failed.details["reason"] == "linked_elsewhere" and failed.remote_addr == "10.0.0.9"


def test_the_same_subject_at_another_issuer_is_another_person(app):
    kari = make_user(Role.COORDINATOR, email="kari@kud.example.no")
    kari.oidc_issuer, kari.oidc_subject = ISSUER, "shared-subject"
    db.session.flush()
    with app.test_request_context():
        attempt = sign_in_with_provider(
            {"iss": "https://ansattporten.no", "sub": "shared-subject", "email": "ola@x.no"}
        )
    assert attempt.refusal == "unknown"


# --- With single sign-on configured -----------------------------------------------------------


@pytest.mark.parametrize("app_config", [sso_settings()], indirect=True)
def test_the_sign_in_button_and_an_unreachable_provider(client, app):
    page = client.get("/logg-inn?next=/rapportering/").get_data(as_text=True)
    assert "Logg inn med departementets konto" in page
    assert 'href="/logg-inn/sso?next=/rapportering/"' in page
    assert 'name="password"' in page  # PASSWORD_LOGIN stays on unless switched off
    answer = client.get("/logg-inn/sso")
    assert answer.status_code == 503
    assert "Innloggingen er ikke tilgjengelig akkurat nå" in answer.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [sso_settings(PASSWORD_LOGIN=False)], indirect=True)
def test_password_login_off_refuses_the_form_and_the_password_page(client, app, login):
    contact = make_user(Role.COORDINATOR, email="kari@kud.example.no")
    db.session.commit()
    page = client.get("/logg-inn").get_data(as_text=True)
    assert 'name="password"' not in page
    # A password posted anyway is refused, even the right one, and nobody is signed in.
    refused = client.post(
        "/logg-inn",
        data={
            "email": contact.email,
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/logg-inn/nodtilgang"),
        },
    )
    assert refused.status_code == 401
    assert "Innlogging med passord er slått av" in refused.get_data(as_text=True)
    assert client.get("/rapportering/runder").status_code == 302
    # Nor is a password worth changing that can never be used, even when one was required.
    contact.must_change_password = True
    login(contact)
    assert client.get("/rapportering/runder").status_code == 200
    assert client.get("/konto/passord").status_code == 404
    assert "Bytt passord" not in client.get("/rapportering/runder").get_data(as_text=True)


def post_password(client, path, email, password):
    return client.post(
        path,
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_token(client, "/logg-inn/nodtilgang"),
        },
    )


@pytest.mark.parametrize("app_config", [sso_settings(PASSWORD_LOGIN=False)], indirect=True)
@pytest.mark.parametrize("path", ["/logg-inn", "/logg-inn/nodtilgang"])
def test_password_login_off_does_not_tell_a_right_password_from_a_wrong_one(client, app, path):
    """With passwords off, the form must not become a way to test guesses for accounts that
    can only sign in through the provider."""
    contact = make_user(Role.COORDINATOR, email="kari@kud.example.no")
    db.session.commit()
    right = post_password(client, path, contact.email, PASSWORD)
    wrong = post_password(client, path, contact.email, "feil-passord-123")
    unknown = post_password(client, path, "ingen@kud.example.no", PASSWORD)
    assert right.status_code == wrong.status_code == unknown.status_code == 401
    assert error_text(right) == error_text(wrong) == error_text(unknown).replace("ingen@", "kari@")
    assert "Innlogging med passord er slått av" in error_text(right)
    # Nobody signed in, and the log holds three failures, no sign-in and no hint of which
    # password was right.
    assert client.get("/rapportering/runder").status_code == 302
    assert audit_events("login") == []
    failures = audit_events("login_failed")
    assert len(failures) == 3
    assert failures[0].details == failures[1].details == {"reason": "password_login_off"}


def error_text(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('id="login-error">', 1)[1].split("</div>", 1)[0]


@pytest.fixture
def admin_world(client, login):
    world = build_world()
    login(world.admin)
    return world


def test_admin_marks_an_account_break_glass_and_it_is_audited(client, app, admin_world):
    coordinator = admin_world.coordinator
    form = client.get(f"/admin/brukere/{coordinator.id}").get_data(as_text=True)
    assert 'name="break_glass"' in form
    answer = client.post(
        f"/admin/brukere/{coordinator.id}",
        data={
            "name": coordinator.name,
            "role": "coordinator",
            "unit": "",
            "break_glass": "y",
            "csrf_token": csrf_token(client),
        },
    )
    assert answer.status_code == 302
    assert fresh(coordinator).break_glass is True
    [event] = audit_events("user_updated")
    assert (event.details["before"]["break_glass"], event.details["after"]["break_glass"]) == (
        False,
        True,
    )
    assert "Nødtilgang med passord" in client.get("/admin/brukere").get_data(as_text=True)


def test_admin_removes_a_wrong_link(client, app, admin_world):
    contact = admin_world.lead_contact
    contact.oidc_issuer, contact.oidc_subject = ISSUER, "old-subject"
    db.session.commit()
    page = client.get(f"/admin/brukere/{contact.id}").get_data(as_text=True)
    assert "Fjern koblingen" in page
    answer = client.post(
        f"/admin/brukere/{contact.id}/fjern-sso-kobling", data={"csrf_token": csrf_token(client)}
    )
    assert answer.status_code == 302
    unlinked = fresh(contact)
    assert (unlinked.oidc_issuer, unlinked.oidc_subject) == (None, None)
    [event] = audit_events("sso_unlinked")
    assert event.details["subject"] == "old-subject" and event.user_id == admin_world.admin.id


def test_backup_carries_break_glass_and_the_link(app, runner, tmp_path):
    kari = make_user(Role.COORDINATOR, email="kari@kud.example.no", break_glass=True)
    kari.oidc_issuer, kari.oidc_subject = ISSUER, "kari-subject"
    db.session.commit()
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    [row] = json.loads(path.read_text(encoding="utf-8"))["tables"]["users"]
    assert (row["break_glass"], row["oidc_issuer"], row["oidc_subject"]) == (
        True,
        ISSUER,
        "kari-subject",
    )

    result = runner.invoke(args=["data", "import", str(path), "--replace"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    restored = db.session.scalars(select(User)).one()
    assert (restored.break_glass, restored.oidc_issuer, restored.oidc_subject) == (
        True,
        ISSUER,
        "kari-subject",
    )
