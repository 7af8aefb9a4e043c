"""Single sign-on through a real OpenID Connect provider (tests/support/oidc_provider.py) without a
browser: the app's test client follows the redirects, the provider's authorization form is posted
over HTTP, and the app exchanges the code at the provider's token endpoint itself. What a claim
says arrives exactly as the provider put it in the signed ID token."""

from urllib.parse import urlsplit

import pytest

from tests.factories import MinistryFactory
from tests.support.oidc_provider import authorize_at_provider, running_provider
from tests.support.workflow import audit_events, fresh, make_user
from tracker.auth.models import Role
from tracker.extensions import db


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
    ministry = MinistryFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    kari = make_user(Role.CONTACT, ministry, email="kari.kontakt@aid.example.no", name="Kari")
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
    assert "Du har ingen konto i statusverktøyet" in answer.get_data(as_text=True)
    assert not signed_in(client)
    assert fresh(kari).oidc_subject is None
    assert audit_events("sso_linked") == [] and audit_events("login") == []
