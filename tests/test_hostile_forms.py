"""Arbitrary text into every form: never a 500, nothing stored half-way, and whatever is stored
renders as text in HTML and exports to a DOCX that opens.

Bodies are form-encoded by hand with ``surrogatepass``, so lone surrogates reach the app as the
invalid UTF-8 a hostile client can send; NUL and other control characters go in as they are.
"""

import html.parser
import io
from datetime import date
from urllib.parse import urlencode

import docx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from tests.support.public_helpers import PLAN_ONE
from tests.support.report_jobs import finished_docx
from tests.support.workflow import build_world, csrf_token, fresh, snapshot
from tracker.extensions import db
from tracker.models import MeasureReport, ReportingRound, ReportRevision, User
from tracker.narrative import INVALID, clean_text
from tracker.reporting.states import ReviewState, RoundState

XSS = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
PAYLOADS = [
    XSS,
    "\x00",
    "før\x00etter",
    "\x07\x1b[31m\x7f\x85",
    "\ud800",
    "tekst \udfff slutt",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "👩🏽‍💻🇳🇴🎉",
    "x" * 25_000,
    ("Et langt avsnitt. " * 1200),
    '"><svg/onload=alert(1)>',
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}",
    "' OR 1=1 --",
    "\r\n\r\n- punkt\n1. nummer\n\n",
    "   ",
    "",
    # Repetitive text: what made the word diff cubic (a 30-second 500 on a stale save).
    "a b " * 400,
    "a " * 2500,
    "a\n\nb\n\n" * 2000,
    # Bidi embeddings, overrides and isolates: text that displays in another order than stored.
    "Konto \u202e0987 6543 21\u202c, \u2066isolert\u2069 \u202a\u202b\u202d\u2067\u2068",
]
# Few distinct words, many times over, with bidi controls among them.
repetitive_text = st.builds(
    lambda words, times: " ".join(words) * times,
    st.lists(st.sampled_from(["a", "b", "a\n\n", "\u202e", "\u2066x\u2069", "ord"]), max_size=5),
    st.integers(min_value=1, max_value=3000),
).map(lambda text: text[:20_000])
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=300),
    st.lists(st.sampled_from(PAYLOADS[:9]), min_size=1, max_size=4).map("\n".join),
    repetitive_text,
)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
FAST = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app_config():
    # Throttled sign-ins are answered at once (429), so no delay needs turning off.
    return {}


def post(client, path: str, fields: dict, token_from: str = "/"):
    fields = fields | {"csrf_token": csrf_token(client, token_from)}
    body = urlencode(fields, encoding="utf-8", errors="surrogatepass")
    return client.post(path, data=body, content_type="application/x-www-form-urlencoded")


def assert_stored_as_cleaned(stored: str, sent: str, strip: bool = False) -> None:
    """What was stored is the sent text cleaned (or, for invalid UTF-8, which the app receives
    in a form of werkzeug's choosing, at least clean text)."""
    try:
        sent.encode("utf-8")
    except UnicodeEncodeError:
        assert stored == clean_text(stored) and not INVALID.search(stored)
        return
    expected = clean_text(sent)
    assert stored == (expected.strip() if strip else expected)


class TextReader(html.parser.HTMLParser):
    """The text a sighted reader sees (screen-reader-only labels, like a diff's, left out)."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden_depth = [], 0

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.hidden_depth or "ds-sr-only" in (dict(attrs).get("class") or ""):
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        self.hidden_depth = max(0, self.hidden_depth - 1)

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def shows_as_text(page: str, text: str) -> bool:
    """``text`` is what a reader sees on the page (spaces aside: a diff splits it into pieces)."""
    reader = TextReader()
    reader.feed(page)
    return "".join(text.split()) in "".join("".join(reader.parts).split())


class ScriptFinder(html.parser.HTMLParser):
    """Everything in a page that would run script or style it inline."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")


def assert_renders_safely(page: str) -> None:
    finder = ScriptFinder()
    finder.feed(page)
    assert finder.found == []


def assert_report_consistent(report) -> None:
    revisions = list(
        db.session.scalars(
            select(ReportRevision)
            .where(ReportRevision.report_id == report.id)
            .order_by(ReportRevision.version)
        )
    )
    # The factories start a report without its first revision; from there on, no gaps.
    versions = [revision.version for revision in revisions]
    assert versions == list(range(versions[0], report.version + 1))
    assert (revisions[-1].new_status, revisions[-1].new_narrative) == (
        report.status,
        report.narrative,
    )


def refused_and_unchanged(response, before) -> bool:
    return 400 <= response.status_code < 500 and snapshot() == before


@FAST
@given(email=hostile_text, password=hostile_text)
def test_sign_in_form(client, email, password):
    if not db.session.scalar(select(User.id).limit(1)):
        build_world()
    response = post(client, "/logg-inn", {"email": email, "password": password}, "/logg-inn")
    event(f"answered {response.status_code}")
    assert response.status_code in (400, 401, 429)
    assert_renders_safely(response.get_data(as_text=True))


@FAST
@given(
    narrative=hostile_text,
    status=st.one_of(st.sampled_from(["in_progress", "completed"]), hostile_text),
    send=st.booleans(),
)
def test_report_form(client, login, narrative, status, send):
    report = db.session.scalar(select(MeasureReport).join(MeasureReport.measure).limit(1))
    world = None
    if report is None:
        world = build_world()
        report = world.report
    user = db.session.scalar(select(User).where(User.email == "leder@led.example.no"))
    # Submitted by an earlier example: back to draft, without spending a version on it.
    db.session.execute(update(MeasureReport).values(review_state=ReviewState.DRAFT))
    db.session.commit()
    report = fresh(report)
    login(user)
    path = f"/rapportering/status-2026/tiltak/{report.measure.number}"
    before = snapshot()
    action = {"send": "Send til gjennomgang"} if send else {"save": "Lagre utkast"}
    response = post(
        client,
        path,
        {"status": status, "narrative": narrative, "version": str(report.version)} | action,
    )
    event(f"answered {response.status_code}")

    assert response.status_code < 500
    report = fresh(report)
    if response.status_code == 302:
        assert_stored_as_cleaned(report.narrative, narrative)
        assert_report_consistent(report)
        assert not any(char in report.narrative for char in BIDI_CONTROLS)
        for page in (path, path + "/historikk"):
            shown = client.get(page)
            assert shown.status_code == 200
            assert_renders_safely(shown.get_data(as_text=True))
    else:
        assert refused_and_unchanged(response, before)
        # Nothing typed is lost: the refused text is shown again in the form.
        assert_renders_safely(response.get_data(as_text=True))


@FAST
@given(comment=hostile_text)
def test_return_comment_form(client, login, comment):
    if not db.session.scalar(select(User.id).limit(1)):
        build_world(review_state=ReviewState.SUBMITTED)
    report = db.session.scalar(select(MeasureReport).limit(1))
    db.session.execute(update(MeasureReport).values(review_state=ReviewState.SUBMITTED))
    db.session.commit()
    report = fresh(report)
    login(db.session.scalar(select(User).where(User.email == "koordinator@example.no")))
    path = f"/rapportering/status-2026/tiltak/{report.measure.number}"
    before = snapshot()
    response = post(client, path + "/send-tilbake", {"comment": comment})
    event(f"answered {response.status_code}")
    assert response.status_code < 500
    if response.status_code == 302:
        report = fresh(report)
        assert report.review_state == ReviewState.RETURNED
        assert_stored_as_cleaned(report.review_comment, comment, strip=True)
        assert_report_consistent(report)
        assert_renders_safely(client.get(path).get_data(as_text=True))
    else:
        assert refused_and_unchanged(response, before)


@FAST
@given(
    slug=st.one_of(st.just("ny-runde"), hostile_text),
    title=hostile_text,
    as_of=st.one_of(st.just("2027-06-01"), hostile_text),
    deadline=st.one_of(st.just(""), hostile_text),
)
def test_open_round_form(client, login, slug, title, as_of, deadline):
    if not db.session.scalar(select(User.id).limit(1)):
        build_world(round_state=RoundState.PUBLISHED)
    for reporting_round in db.session.scalars(select(ReportingRound)):
        reporting_round.state = RoundState.PUBLISHED  # so that a new round may open
    db.session.commit()
    login(db.session.scalar(select(User).where(User.email == "koordinator@example.no")))
    before = snapshot()
    response = post(
        client,
        "/rapportering/runder/ny",
        {"slug": slug, "title": title, "as_of": as_of, "deadline": deadline},
    )
    event(f"answered {response.status_code}")
    assert response.status_code < 500
    if response.status_code == 302:
        opened = db.session.scalar(
            select(ReportingRound).where(ReportingRound.state == RoundState.OPEN)
        )
        assert_stored_as_cleaned(opened.title, title, strip=True)
        assert opened.as_of == date(2027, 6, 1)
        for page in ("/rapportering/runder", f"/rapportering/{opened.slug}/oversikt"):
            assert_renders_safely(client.get(page).get_data(as_text=True))
        opened.slug = f"brukt-{opened.id}"  # frees "ny-runde" for the next example
        db.session.commit()
    else:
        assert refused_and_unchanged(response, before)


@FAST
@given(
    email=st.one_of(st.just("ny@led.example.no"), hostile_text),
    name=hostile_text,
    role=st.one_of(st.sampled_from(["contact", "coordinator", "admin"]), hostile_text),
    ministry=st.one_of(st.sampled_from(["LED", ""]), hostile_text),
)
def test_admin_user_forms(client, login, email, name, role, ministry):
    if not db.session.scalar(select(User.id).limit(1)):
        build_world()
    for user in db.session.scalars(select(User).where(User.email == "ny@led.example.no")):
        db.session.delete(user)
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.email == "admin@example.no"))
    other = db.session.scalar(select(User).where(User.email == "annen@ann.example.no"))
    login(admin)
    for path, fields in (
        (
            "/admin/brukere/ny",
            {"email": email, "name": name, "role": role, "unit": ministry, "password": ""},
        ),
        (f"/admin/brukere/{other.id}", {"name": name, "role": role, "unit": ministry}),
    ):
        before = snapshot()
        response = post(client, path, fields)
        event(f"{path.split('/')[-1]} answered {response.status_code}")
        assert response.status_code < 500
        if response.status_code in (200, 302) and snapshot() != before:
            assert_renders_safely(client.get("/admin/brukere").get_data(as_text=True))
            assert_renders_safely(client.get("/admin/logg").get_data(as_text=True))
        else:
            assert refused_and_unchanged(response, before)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mode=st.one_of(st.sampled_from(["final", "draft"]), hostile_text),
    changes=st.one_of(st.just("y"), hostile_text),
)
def test_export_download_form(client, login, mode, changes):
    if not db.session.scalar(select(User.id).limit(1)):
        build_world(review_state=ReviewState.APPROVED)
    login(db.session.scalar(select(User).where(User.email == "koordinator@example.no")))
    before = snapshot()
    response = post(
        client,
        "/koordinator/rapport/status-2026",
        {"status-2026-mode": mode, "status-2026-include_changes": changes},
        "/koordinator/rapport/",
    )
    event(f"answered {response.status_code}")
    assert response.status_code in (303, 400)
    after = snapshot()
    # A build asked for is one queued job (built meanwhile); a refusal queues none.
    jobs_before, jobs_after = before.pop("report_jobs"), after.pop("report_jobs")
    assert after == before
    assert len(jobs_after) == len(jobs_before) + (response.status_code == 303)
    if response.status_code == 303:
        assert docx.Document(io.BytesIO(finished_docx(client, response))).paragraphs


def test_an_xss_payload_in_a_narrative_is_text_everywhere_the_docx_included(client, login):
    world = build_world()
    narrative = f"{XSS}\n\n- {XSS}\n\nSlutt på teksten."
    form = {"status": "completed", "narrative": narrative, "send": "Send til gjennomgang"}

    login(world.lead_contact)
    assert post(client, world.report_url, form | {"version": "1"}).status_code == 302
    login(world.coordinator)
    assert post(client, world.report_url + "/send-tilbake", {"comment": XSS}).status_code == 302
    login(world.lead_contact)
    returned = client.get(world.report_url).get_data(as_text=True)
    assert shows_as_text(returned, XSS) and returned.count(XSS) == 0
    assert_renders_safely(returned)
    assert (
        post(
            client, world.report_url, form | {"version": str(fresh(world.report).version)}
        ).status_code
        == 302
    )
    login(world.coordinator)
    assert post(client, world.report_url + "/godkjenn", {}).status_code == 302
    assert post(client, "/rapportering/status-2026/lukk", {}).status_code == 302
    assert post(client, "/rapportering/status-2026/publiser", {}).status_code == 302

    # The history shows the version that first brought the text in.
    for path in (world.report_url, world.report_url + "/historikk?til=2"):
        page = client.get(path).get_data(as_text=True)
        assert shows_as_text(page, XSS), path
        assert_renders_safely(page)
    assert_renders_safely(client.get("/rapportering/status-2026/oversikt").get_data(as_text=True))

    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    for path in (
        PLAN_ONE + "/tiltak/7",
        PLAN_ONE + "/tiltak?q=onerror",
        "/",
        PLAN_ONE + "/enheter/LED",
    ):
        page = client.get(path).get_data(as_text=True)
        assert_renders_safely(page)
    assert shows_as_text(client.get(PLAN_ONE + "/tiltak/7").get_data(as_text=True), XSS)
    # Searching for a word of the payload finds the measure through its published narrative.
    assert shows_as_text(
        client.get(PLAN_ONE + "/tiltak?q=onerror").get_data(as_text=True), "Felles tiltak"
    )

    login(world.coordinator)
    download = post(
        client,
        "/koordinator/rapport/status-2026",
        {"status-2026-mode": "final"},
        "/koordinator/rapport/",
    )
    built = finished_docx(client, download)
    texts = [paragraph.text for paragraph in docx.Document(io.BytesIO(built)).paragraphs]
    assert XSS in texts and "Slutt på teksten." in texts
