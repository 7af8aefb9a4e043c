"""Report builds leave the unpublished report (and its draft changes) on disk until downloaded:
readable by the app's own user only, whatever the process's umask."""

import os
import re
import stat
from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.support.report_jobs import finished_docx
from tracker.auth.models import Role


@pytest.fixture
def open_umask():
    """A umask that lets everyone read new files, as a service's default often does."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_built_report_and_its_folder_are_private(
    seeded, client, login, app, open_umask, monkeypatch
):
    from tracker.export import office

    office.stop()  # no PDF: the DOCX and the job's state are enough to look at
    monkeypatch.setenv("TRACKER_UNO_PYTHON", "/nonexistent/python3")
    login(UserFactory(role=Role.COORDINATOR, unit=None))
    index = client.get("/koordinator/rapport/").get_data(as_text=True)
    token = re.search(r'name="midtveis-2025-csrf_token" type="hidden" value="([^"]+)"', index)
    started = client.post(
        "/koordinator/rapport/midtveis-2025",
        data={"midtveis-2025-csrf_token": token.group(1), "midtveis-2025-mode": "draft"},
    )
    assert finished_docx(client, started).startswith(b"PK")
    office.stop()

    jobs = Path(app.config["REPORT_JOBS_DIR"])
    [folder] = [path for path in jobs.iterdir() if path.is_dir()]
    files = sorted(path.name for path in folder.iterdir())
    assert files == ["rapport.docx", "state.json"]
    for path in (jobs, folder, *folder.iterdir()):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
