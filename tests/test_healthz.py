"""/healthz tells a load balancer whether the app and its database answer."""

import socket

from tests.support.app import make_app


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_503_when_the_database_is_unreachable():
    app = make_app(f"postgresql+psycopg://tracker@127.0.0.1:{closed_port()}/tracker")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)
