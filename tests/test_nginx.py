"""deploy/nginx.conf, run by Debian's nginx in front of the app: it answers only its own name,
and a withdrawal reaches readers through its micro-cache within seconds (issues 19 and 25)."""

import json
import socket
import ssl
import time

import pytest
import requests

from tests.support.nginx import Nginx
from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tests.support.workflow import build_world
from tracker.account_links.tokens import PASSWORD_RESET, make_token
from tracker.extensions import db
from tracker.reporting.operations import withdraw_publication
from tracker.reporting.states import Status

PUBLIC_URL = "https://tracker.example.no"
# The micro-cache keeps a page five seconds; a withdrawal must be out well within this.
WITHDRAWAL_REACHES_READERS_WITHIN = 30


@pytest.fixture
def app_config():
    # As deploy/nginx.conf asks: one proxy in front, links from PUBLIC_URL.
    return {"TRUSTED_PROXIES": 1, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def nginx(live_server):
    proxy = Nginx(int(live_server.rsplit(":", 1)[1]))
    yield proxy
    proxy.stop()


@pytest.fixture
def reader(nginx):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override the certificate below
    session.verify = str(nginx.cert)
    yield session
    session.close()


def app_requests(output: str, path: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("path") == path]


def handshake(port: int, server_name: str) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name):
            pass


def test_a_foreign_host_never_reaches_the_app(nginx, reader, seeded, capsys):
    capsys.readouterr()
    with pytest.raises(requests.ConnectionError) as closed:  # nginx closes without an answer
        reader.get(nginx.base + "/feed.atom", headers={"Host": "angriper.example"})
    assert not isinstance(closed.value, requests.exceptions.SSLError)  # ours, then refused
    with pytest.raises(requests.ConnectionError):
        reader.get(
            f"http://127.0.0.1:{nginx.http_port}/feed.atom",
            headers={"Host": "angriper.example"},
            allow_redirects=False,
        )
    with pytest.raises(ssl.SSLError):  # no certificate for a name that is not ours
        handshake(nginx.tls_port, "angriper.example")
    assert reader.get(nginx.base + "/feed.atom").status_code == 200  # our own name
    [only] = app_requests(
        capsys.readouterr().out, PLAN_ONE + "/feed.atom"
    )  # the app saw that one alone
    assert only["status"] == 200
    # Our own name over HTTP goes to HTTPS under that name, never a name the client chose.
    redirect = reader.get(
        f"http://127.0.0.1:{nginx.http_port}/feed.atom",
        headers={"Host": "localhost"},
        allow_redirects=False,
    )
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == "https://localhost/feed.atom"


def test_every_reader_gets_feed_links_from_public_url(nginx, reader, seeded):
    publish_second_round({45: Status.COMPLETED})
    forged = reader.get(nginx.base + "/feed.atom", headers={"X-Forwarded-Host": "angriper.example"})
    assert forged.status_code == 200 and "angriper" not in forged.text
    feed = reader.get(nginx.base + "/feed.atom").text  # what nginx keeps for everyone
    links = [part.split('"')[0] for part in feed.split('href="')[1:]]
    assert links and all(link.startswith(PUBLIC_URL + "/") for link in links)
    assert "angriper" not in feed and "localhost" not in feed


def test_a_withdrawn_file_is_gone_within_seconds_while_readers_keep_asking(nginx, reader, seeded):
    second = publish_second_round({9: Status.COMPLETED})
    url = nginx.base + "/data/host-2026/tiltak.json"
    assert reader.get(url).status_code == 200
    assert reader.get(url).status_code == 200  # from nginx's copy
    assert nginx.cache_entries()
    withdraw_publication(second, None)
    db.session.commit()
    withdrawn = time.monotonic()
    # Before: nginx served its stale copy while it "updated", and the 404 never replaced it.
    while reader.get(url).status_code != 404:
        assert time.monotonic() - withdrawn < WITHDRAWAL_REACHES_READERS_WITHIN, (
            "the withdrawn file is still downloadable through nginx"
        )
        time.sleep(0.2)
    assert reader.get(url).status_code == 404


def test_the_first_reader_of_a_quiet_page_after_a_withdrawal_gets_the_current_page(
    nginx, reader, seeded
):
    second = publish_second_round({9: Status.COMPLETED}, narrative="Skal trekkes tilbake.")
    url = nginx.base + "/tiltak/9"
    assert "Skal trekkes tilbake." in reader.get(url).text
    withdraw_publication(second, None)
    db.session.commit()
    nginx.wait_until_expired(PLAN_ONE + "/tiltak/9")  # nobody asks meanwhile: a quiet page
    # Before: nginx handed this reader its stale copy and refreshed it in the background.
    first = reader.get(url)
    assert first.status_code == 200
    assert "Skal trekkes tilbake." not in first.text


def test_nginx_logs_an_emailed_link_without_its_token(nginx, reader):
    """Whoever reads nginx's access log must not find a link they could take the account with."""
    token = make_token(build_world().lead_contact, PASSWORD_RESET)
    db.session.commit()
    opened = reader.get(f"{nginx.base}/nytt-passord/{token}", allow_redirects=False)
    assert opened.status_code == 303
    # nginx writes the line once the request is finished, which may be after we read the answer.
    deadline = time.monotonic() + 10
    while "/nytt-passord/" not in (logged := (nginx.workdir / "access.log").read_text("utf-8")):
        assert time.monotonic() < deadline, "nginx logged no line for the link"
        time.sleep(0.05)
    assert "/nytt-passord/[skjult]" in logged
    assert token not in logged


def test_an_evidence_file_of_several_megabytes_passes_nginx_to_the_results_form(nginx, reader):
    from tests.support.evidence_files import pdf_bytes
    from tests.support.workflow import CSRF_INPUT, PASSWORD
    from tracker.results.models import Evidence

    world = build_world()
    # CSRF over HTTPS wants a Referer of the host the app is told (nginx passes $host, which
    # has no port: the production site is on 443).
    origin = "https://" + nginx.base.split("//")[1].split(":")[0]
    login_page = reader.get(nginx.base + "/logg-inn").text
    signed = reader.post(
        nginx.base + "/logg-inn",
        headers={"Referer": origin + "/logg-inn"},
        data={
            "csrf_token": CSRF_INPUT.search(login_page).group(1),
            "email": world.lead_contact.email,
            "password": PASSWORD,
        },
    )
    assert signed.status_code == 200, signed.text[:300]
    form_url = nginx.base + world.report_url + "/resultater"
    token = CSRF_INPUT.search(reader.get(form_url).text).group(1)
    # A real PDF padded past nginx's site-wide 1 MB bound, well under the 20 MB a file may be.
    padded = pdf_bytes() + b"%" + b"0" * (6 * 1024 * 1024) + b"\n%%EOF\n"
    sent = reader.post(
        form_url,
        data={"csrf_token": token},
        headers={"Referer": origin + world.report_url + "/resultater"},
        files={"evidence_file": ("rapport.pdf", padded, "application/pdf")},
        allow_redirects=False,
    )
    assert sent.status_code == 302, sent.text[:500]
    db.session.expire_all()
    assert db.session.query(Evidence).one().size == len(padded)
