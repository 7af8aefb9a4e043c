"""Single sign-on through a real OpenID Connect provider (tests/support/oidc_provider.py) without a
browser: the app's test client follows the redirects, the provider's authorization form is posted
over HTTP, and the app exchanges the code at the provider's token endpoint itself. What a claim
says arrives exactly as the provider put it in the signed ID token."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import UnitFactory
from tests.support.oidc_provider import authorize_at_provider, id_token_claims, running_provider
from tests.support.workflow import audit_events, csrf_token, fresh, make_user
from tracker.auth.models import Role
from tracker.extensions import db

# On one pytest-xdist worker: one identity provider for the module.
pytestmark = pytest.mark.xdist_group("sso_flow")


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def app_config(provider):
    provider.tamper_claims = None
    return {
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": "tracker-test",
        "OIDC_CLIENT_SECRET": "test-client-secret",
        "OIDC_PROVIDER_NAME": "Logg inn med testdepartementets konto",
    }


@pytest.fixture
def kari(app):
    unit = UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    kari = make_user(Role.CONTACT, unit, email="kari.kontakt@aid.example.no", name="Kari")
    db.session.commit()
    return kari


def local(url: str) -> str:
    """The path and query of an absolute URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in_through_provider(client, subject: str):
    """Start at «Logg inn med …», pick ``subject`` at the provider, return the app's answer to
    the provider's callback."""
    started = client.get("/logg-inn/sso")
    assert started.status_code == 302, started.status_code
    return client.get(local(authorize_at_provider(started.location, subject)))


def signed_in(client) -> bool:
    return client.get("/rapportering/").status_code == 200


def test_a_verified_address_signs_in_and_links_the_account(client, provider, kari):
    provider.set_person("kari-1", email="Kari.Kontakt@aid.example.no", email_verified=True)
    answer = sign_in_through_provider(client, "kari-1")
    assert answer.status_code == 302 and signed_in(client)
    assert fresh(kari).oidc_subject == "kari-1"


@pytest.mark.parametrize(
    "claims",
    [
        # The JSON string "false": truthy in Python, and it used to sign Mallory in as Kari.
        {"email": "kari.kontakt@aid.example.no", "email_verified": "false"},
        # An address the provider did not verify, plus a username that matches Kari's address.
        {
            "email": "mallory@evil.example",
            "email_verified": False,
            "preferred_username": "kari.kontakt@aid.example.no",
        },
        # The Kelvin sign (U+212A) lower-cases to "k": a different, verified mailbox at the
        # provider that passed for Kari's after lower-casing.
        {"email": "\u212aari.kontakt@aid.example.no", "email_verified": True},
    ],
    ids=["string-false", "preferred-username", "kelvin-sign"],
)
def test_an_address_the_provider_did_not_vouch_for_links_nobody(client, provider, kari, claims):
    provider.set_person("mallory", **claims)
    answer = sign_in_through_provider(client, "mallory")
    assert answer.status_code == 403
    assert "Du har ingen konto i statusoversikten" in answer.get_data(as_text=True)
    assert not signed_in(client)
    assert fresh(kari).oidc_subject is None
    assert audit_events("sso_linked") == [] and audit_events("login") == []


# --- What another site can make a visitor's browser do -------------------------------------


def test_forged_answers_from_another_site_do_not_lock_the_visitors_address(
    app, client, provider, kari
):
    """A page elsewhere makes the visitor's browser fetch the callback with made-up values, as
    often as it likes. None of it is a sign-in attempt, so none of it counts."""
    for n in range(app.config["LOGIN_ADDRESS_FREE_FAILURES"] + 5):
        forged = client.get(f"/logg-inn/sso/svar?code=made-up-{n}&state=made-up-{n}")
        assert forged.status_code == 400
    client.get("/logg-inn/sso/svar?error=access_denied&state=whatever")
    assert audit_events("login_failed") == []
    # The visitor then signs in at once, unthrottled.
    provider.set_person("kari-2", email="kari.kontakt@aid.example.no", email_verified=True)
    assert sign_in_through_provider(client, "kari-2").status_code == 302
    assert signed_in(client)


def test_a_bad_answer_to_a_sign_in_started_here_still_counts(client, provider, kari):
    started = client.get("/logg-inn/sso")
    callback = urlsplit(authorize_at_provider(started.location, "kari-3"))
    query = parse_qs(callback.query)
    altered = f"{callback.path}?code={query['code'][0]}x&state={query['state'][0]}"
    answer = client.get(altered)  # the code was altered on the way back
    assert answer.status_code == 400
    [failed] = audit_events("login_failed")
    assert failed.details["method"] == "oidc"


def test_a_provider_sign_out_link_from_another_site_does_nothing(client, provider, kari):
    provider.set_person("kari-4", email="kari.kontakt@aid.example.no", email_verified=True)
    sign_in_through_provider(client, "kari-4")
    ended_before = len(provider.ended_sessions)
    # A cross-site GET (a link, an image) while Kari is signed in.
    answer = client.get("/logg-ut/leverandor")
    assert answer.status_code == 302 and answer.location == "/"
    assert signed_in(client)
    # Her own sign-out still has the ID token and ends her session at the provider too.
    signed_out = client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    assert signed_out.location == "/logg-ut/leverandor"
    page = client.get("/logg-ut/leverandor").get_data(as_text=True)
    target = html.unescape(re.search(r'id="provider-sign-out" href="([^"]+)"', page).group(1))
    assert target.startswith(provider.url + "/oauth2/end_session")
    assert id_token_claims(parse_qs(urlsplit(target).query)["id_token_hint"][0])["sub"] == "kari-4"
    assert len(provider.ended_sessions) == ended_before  # nothing was ended behind her back
    assert not signed_in(client)


def test_sign_ins_started_again_and_again_do_not_swell_the_cookie(app, client, provider, kari):
    """Each start used to add its state to the session cookie, until the cookie was too large
    for nginx and the browser (a 502 on every page)."""
    sizes = []
    for _ in range(40):
        assert client.get("/logg-inn/sso").status_code == 302
        sizes.append(len(client.get_cookie("session").value))
    assert max(sizes) < 1500  # three sign-ins in flight at most; forty used to make 8 KB
    # The latest one still completes.
    provider.set_person("kari-5", email="kari.kontakt@aid.example.no", email_verified=True)
    assert sign_in_through_provider(client, "kari-5").status_code == 302
    assert signed_in(client)
