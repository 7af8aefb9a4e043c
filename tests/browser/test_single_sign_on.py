"""Single sign-on against a real OpenID Connect provider (tests/support/oidc_provider.py),
walked in Debian's Chromium: the redirect to the provider, the person picking who they are
there, the answer back to tracker, and sign-out at both ends."""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.factories import UnitFactory
from tests.support.browser import assert_accessible
from tests.support.oidc_provider import id_token_claims, running_provider
from tests.support.workflow import PASSWORD, make_user
from tracker.audit.models import AuditEvent
from tracker.auth.models import Role, User
from tracker.extensions import db

# On one pytest-xdist worker: one identity provider for the module.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("sso_browser")]

BUTTON = "Logg inn med testdepartementets konto"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def app_config(request, provider):
    provider.tamper_claims = None
    settings = {
        "OIDC_ISSUER": provider.url,
        "OIDC_CLIENT_ID": "tracker-test",
        "OIDC_CLIENT_SECRET": "test-client-secret",
        "OIDC_PROVIDER_NAME": BUTTON,
    }
    return settings | getattr(request, "param", {})


@pytest.fixture
def page(page):
    # The provider's own pages ask a CDN for a style sheet; there is no internet here.
    page.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    return page


@pytest.fixture
def people(app):
    ministry = UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    kari = make_user(Role.CONTACT, ministry, email="kari.kontakt@aid.example.no", name="Kari")
    admin = make_user(Role.ADMIN, email="ada.admin@kud.example.no", name="Ada Administrator")
    db.session.commit()
    return kari, admin


def sign_in_at_provider(page, live_server, subject):
    page.goto(live_server + "/logg-inn")
    page.get_by_role("link", name=BUTTON).click()
    page.locator("input[name=sub]").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def signed_in_as(page, email) -> None:
    expect(page.get_by_role("button", name=f"Logg ut ({email})")).to_be_visible()


def assert_signed_out(page, live_server):
    page.goto(live_server + "/rapportering")
    expect(page.get_by_role("heading", name="Logg inn", exact=True)).to_be_visible()


def events(name: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_first_sign_in_links_by_email_later_ones_by_subject(page, live_server, provider, people):
    kari, _admin = people
    # The provider spells the address differently; it is the same mailbox.
    provider.set_person("kari-oid-1", email="Kari.Kontakt@AID.example.no", email_verified=True)
    authorize_requests = []
    page.on(
        "request",
        lambda request: (
            authorize_requests.append(request.url) if "/oauth2/authorize" in request.url else None
        ),
    )

    sign_in_at_provider(page, live_server, "kari-oid-1")
    signed_in_as(page, "kari.kontakt@aid.example.no")

    # Authorization code flow with PKCE, state and nonce.
    sent = parse_qs(urlsplit(authorize_requests[0]).query)
    assert sent["response_type"] == ["code"]
    assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) >= 43
    assert sent["state"][0] and sent["nonce"][0]
    assert set(sent["scope"][0].split()) == {"openid", "email", "profile"}
    assert "acr_values" not in sent  # the provider's default unless OIDC_ACR_VALUES says
    linked = fresh(kari)
    assert (linked.oidc_issuer, linked.oidc_subject) == (provider.url, "kari-oid-1")
    assert [event.details["method"] for event in events("login")] == ["oidc"]
    assert len(events("sso_linked")) == 1

    # Sign-out ends tracker's session and asks the provider to end Kari's there.
    page.get_by_role("button", name="Logg ut").click()
    end_session = page.get_by_role("button", name="End session")
    expect(end_session).to_be_visible()
    assert page.url.startswith(provider.url + "/oauth2/end_session")
    ended = provider.ended_sessions[-1]
    assert id_token_claims(ended["id_token_hint"])["sub"] == "kari-oid-1"
    assert ended["client_id"] == "tracker-test"
    end_session.click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    assert page.url.startswith(live_server)
    assert_signed_out(page, live_server)

    # Her address changes at the provider: the subject still leads to her account.
    provider.set_person("kari-oid-1", email="kari.nordmann@aid.example.no", email_verified=True)
    sign_in_at_provider(page, live_server, "kari-oid-1")
    signed_in_as(page, "kari.kontakt@aid.example.no")
    assert len(events("login")) == 2
    assert len(events("sso_linked")) == 1


def test_unknown_person_is_refused_and_told_who_to_ask(page, live_server, provider, people):
    provider.set_person("ola-oid", email="ola.ukjent@aid.example.no", email_verified=True)
    sign_in_at_provider(page, live_server, "ola-oid")

    expect(
        page.get_by_role("heading", name="Du har ingen konto i statusoversikten")
    ).to_be_visible()
    expect(page.get_by_text("ola.ukjent@aid.example.no", exact=False).first).to_be_visible()
    expect(page.locator("#administrators")).to_contain_text("ada.admin@kud.example.no")
    assert_accessible(page)
    failed = events("login_failed")
    assert [(event.email, event.details["reason"]) for event in failed] == [
        ("ola.ukjent@aid.example.no", "unknown")
    ]
    assert events("login") == []
    assert_signed_out(page, live_server)


def test_deactivated_account_is_refused(page, live_server, provider, people):
    kari, _admin = people
    kari.active = False
    db.session.commit()
    provider.set_person("kari-oid-2", email="kari.kontakt@aid.example.no", email_verified=True)
    sign_in_at_provider(page, live_server, "kari-oid-2")

    expect(page.get_by_role("heading", name="Kontoen din er deaktivert")).to_be_visible()
    assert len(events("login_refused_inactive")) == 1
    assert fresh(kari).oidc_subject is None
    assert_signed_out(page, live_server)


def test_unverified_email_does_not_match_an_account(page, live_server, provider, people):
    kari, _admin = people
    provider.set_person("mallory", email="kari.kontakt@aid.example.no", email_verified=False)
    sign_in_at_provider(page, live_server, "mallory")

    expect(
        page.get_by_role("heading", name="Du har ingen konto i statusoversikten")
    ).to_be_visible()
    assert fresh(kari).oidc_subject is None
    assert_signed_out(page, live_server)


def _rewrite_query(url: str, **values) -> str:
    parts = urlsplit(url)
    query = parse_qs(parts.query) | {key: [value] for key, value in values.items()}
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def assert_refused_unsigned(page, live_server, kari, counted=True):
    expect(page.get_by_role("heading", name="Innloggingen kunne ikke bekreftes")).to_be_visible()
    assert events("login") == []
    failures = [event.details["method"] for event in events("login_failed")]
    assert failures == (["oidc"] if counted else [])
    assert fresh(kari).oidc_subject is None
    assert_signed_out(page, live_server)


def test_wrong_state_is_refused(page, live_server, provider, people):
    kari, _admin = people
    provider.set_person("kari-oid-3", email="kari.kontakt@aid.example.no", email_verified=True)

    # The provider's answer comes back with a state this browser never sent (a forged callback).
    # Playwright does not route redirected requests, so the provider's redirect is rewritten.
    def forge_state(route):
        if route.request.method != "POST":
            return route.continue_()
        answer = route.fetch(max_redirects=0)
        location = _rewrite_query(answer.headers["location"], state="forged")
        return route.fulfill(status=302, headers={"Location": location})

    page.route(provider.url + "/oauth2/authorize*", forge_state)
    sign_in_at_provider(page, live_server, "kari-oid-3")

    # An answer to no sign-in this browser started proves nothing about anyone: not a failure
    # that would count against the address (tests/test_single_sign_on_flow.py).
    assert_refused_unsigned(page, live_server, kari, counted=False)


def test_wrong_nonce_is_refused(page, live_server, provider, people):
    kari, _admin = people
    provider.set_person("kari-oid-4", email="kari.kontakt@aid.example.no", email_verified=True)
    # The provider is asked for a token bound to another nonce than the one tracker remembers.
    page.route(
        provider.url + "/oauth2/authorize*",
        lambda route: route.continue_(url=_rewrite_query(route.request.url, nonce="replayed")),
    )
    sign_in_at_provider(page, live_server, "kari-oid-4")

    assert_refused_unsigned(page, live_server, kari)
    assert "nonce" in events("login_failed")[0].details["description"]


def test_tampered_id_token_is_refused(page, live_server, provider, people):
    kari, admin = people
    provider.set_person("kari-oid-5", email="kari.kontakt@aid.example.no", email_verified=True)
    # Someone between tracker and the provider swaps the address for the administrator's.
    provider.tamper_next_id_token(email=admin.email)
    sign_in_at_provider(page, live_server, "kari-oid-5")

    assert_refused_unsigned(page, live_server, kari)
    assert fresh(admin).oidc_subject is None


@pytest.mark.parametrize("app_config", [{"PASSWORD_LOGIN": False}], indirect=True)
def test_password_login_off_leaves_only_break_glass_accounts(page, live_server, provider, people):
    kari, admin = people
    admin.break_glass = True
    db.session.commit()

    page.goto(live_server + "/logg-inn")
    expect(page.get_by_role("link", name=BUTTON)).to_be_visible()
    expect(page.get_by_label("Passord")).to_have_count(0)
    assert_accessible(page)

    # The break-glass page refuses an ordinary account even with the right password ...
    page.goto(live_server + "/logg-inn/nodtilgang")
    assert_accessible(page)
    page.get_by_label("E-postadresse").fill(kari.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.locator("#login-error")).to_contain_text("Innlogging med passord er slått av")
    assert_signed_out(page, live_server)
    # Logged as a failure, like a wrong password: the form cannot tell the two apart.
    assert [event.details for event in events("login_failed")] == [{"reason": "password_login_off"}]

    # ... and lets the administrator's break-glass account in.
    page.goto(live_server + "/logg-inn/nodtilgang")
    page.get_by_label("E-postadresse").fill(admin.email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    signed_in_as(page, admin.email)
    # Where the administrator marks break-glass accounts.
    page.goto(f"{live_server}/admin/brukere/{kari.id}")
    expect(page.get_by_label("Nødtilgang med passord")).not_to_be_checked()
    assert_accessible(page)


@pytest.mark.parametrize("app_config", [{"LOGIN_FREE_FAILURES": 2}], indirect=True)
def test_a_locked_account_cannot_sign_in_through_the_provider_either(
    page, live_server, provider, people
):
    kari, _admin = people
    for _attempt in range(2):
        page.goto(live_server + "/logg-inn")
        page.get_by_label("E-postadresse").fill(kari.email)
        page.get_by_label("Passord").fill("gjettet-feil-passord")
        page.get_by_role("button", name="Logg inn med passord").click()
    expect(page.get_by_text("For mange mislykkede forsøk")).to_be_visible()

    provider.set_person("kari-oid-6", email="kari.kontakt@aid.example.no", email_verified=True)
    sign_in_at_provider(page, live_server, "kari-oid-6")
    expect(page.get_by_text("For mange mislykkede forsøk")).to_be_visible()
    assert events("login") == []
    assert len(events("login_throttled")) == 1
    assert_signed_out(page, live_server)


@pytest.mark.parametrize("app_config", [{"OIDC_ACR_VALUES": "entraid"}], indirect=True)
def test_acr_values_ask_ansattporten_for_an_entra_id_sign_in(page, live_server, provider, people):
    with page.expect_request(lambda request: "/oauth2/authorize" in request.url) as asked:
        page.goto(live_server + "/logg-inn/sso")
    assert parse_qs(urlsplit(asked.value.url).query)["acr_values"] == ["entraid"]


def test_an_id_token_too_large_for_the_cookie_still_signs_in_and_out(
    page, live_server, provider, people
):
    # Ansattporten lists every AD group in the ID token; a session cookie holds about 4 KB.
    groups = [f"{index:08d}-ff60-47e4-8940-0c73573b0130" for index in range(150)]
    provider.set_person(
        "kari-oid-7", email="kari.kontakt@aid.example.no", email_verified=True, groups=groups
    )
    sign_in_at_provider(page, live_server, "kari-oid-7")
    signed_in_as(page, "kari.kontakt@aid.example.no")
    page.goto(live_server + "/rapportering/")
    signed_in_as(page, "kari.kontakt@aid.example.no")

    page.get_by_role("button", name="Logg ut").click()
    end_session = page.get_by_role("button", name="End session")
    expect(end_session).to_be_visible()
    ended = provider.ended_sessions[-1]
    assert ended["client_id"] == "tracker-test" and "id_token_hint" not in ended
    end_session.click()
    expect(page.get_by_text("Du er logget ut.")).to_be_visible()
    assert_signed_out(page, live_server)
