"""LibreOffice, kept warm per worker: fills the table of contents and makes the tagged PDF.

``uno`` belongs to Debian's system python, not the app's virtualenv, so the work happens in a
helper process (``uno_worker.py`` under /usr/bin/python3) that starts LibreOffice once and then
answers one request a line. Starting LibreOffice costs seconds; each later report costs far less.
Without LibreOffice the DOCX still builds: ``OfficeUnavailable`` says why the PDF is missing.

Faults: a helper that crashes, or whose LibreOffice crashed (it then answers every request with
an error), is killed and started afresh for the same report; one that does not answer within
REPORT_PDF_TIMEOUT_SECONDS is killed, LibreOffice and all (its process group), and the report
comes without its PDF, saying why. The helper dies with the app (see uno_worker.py).
"""

import atexit
import errno
import functools
import json
import os
import shutil
import signal
import subprocess  # nosec B404 - fixed argument lists, no shell, no user input
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tracker.config import SETTINGS_BY_NAME
from tracker.settings import read
from tracker.text import N_
from tracker.user_errors import UserError

WORKER = Path(__file__).with_name("uno_worker.py")
START_TIMEOUT = 90  # seconds; a cold LibreOffice on a busy machine
# Stands in the DOCX LibreOffice lays out where the footer's page count goes; the helper writes
# the number once the layout is done (docx_document.ReportDocument.to_bytes says why).
PAGE_COUNT_MARK = "[[SIDETALL]]"


class OfficeUnavailable(UserError):
    """LibreOffice (or its python bridge) is missing or failed: no PDF, no page numbers."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    toc: tuple[tuple[str, str], ...]  # (entry text, page number) as LibreOffice laid them out


def system_python() -> str:
    """The interpreter that has ``uno``; TRACKER_UNO_PYTHON overrides it (another install).
    Read at each use, like the installs it names (tracker/config.py declares it)."""
    return read(SETTINGS_BY_NAME["TRACKER_UNO_PYTHON"])


def convert_timeout() -> int:
    """How long one conversion may take before LibreOffice is killed (read at each use)."""
    return read(SETTINGS_BY_NAME["REPORT_PDF_TIMEOUT_SECONDS"])


def office_missing_reason() -> str | None:
    """Why no PDF can be made on this machine, in Norwegian; None when it can."""
    return _missing_reason(system_python(), shutil.which("soffice"))


@functools.cache  # the report page asks on every view; the answer changes only with installs
def _missing_reason(python: str, soffice: str | None) -> str | None:
    if soffice is None:
        return N_("LibreOffice er ikke installert på serveren, så PDF-en kan ikke lages.")
    if not os.access(python, os.X_OK):
        return N_("Python-broen til LibreOffice (python3-uno) mangler på serveren.")
    probe = subprocess.run(  # nosec B603 - the configured interpreter, a fixed argument
        [python, "-c", "import uno"], capture_output=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        return N_("Python-broen til LibreOffice (python3-uno) mangler på serveren.")
    return None


class _Worker:
    """One helper process (and its LibreOffice) per app process, used by one thread at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None

    def render(self, docx: bytes, scratch: str | None = None) -> Rendered:
        """``scratch``: the folder LibreOffice reads and writes in (REPORT_JOBS_DIR)."""
        with self.lock:
            if scratch:
                os.makedirs(scratch, mode=0o700, exist_ok=True)
            try:
                with tempfile.TemporaryDirectory(prefix="tracker-report-", dir=scratch) as folder:
                    return self._render_in(Path(folder), docx)
            except OSError as error:
                raise OfficeUnavailable(_storage_problem(error)) from error

    def _render_in(self, folder: Path, docx: bytes) -> Rendered:
        source, target = folder / "rapport.docx", folder / "rapport.pdf"
        source.write_bytes(docx)
        request = {"docx": str(source), "pdf": str(target), "page_count_mark": PAGE_COUNT_MARK}
        answer = self._ask(request)
        if not answer.get("ok"):
            _probe(folder)  # a full or read-only disk is why: no fresh LibreOffice would help
            # A LibreOffice that crashed answers every later request with an error: start a
            # fresh one and try this report once more.
            self.kill()
            answer = self._ask(request)
        if not answer.get("ok") or not target.exists():
            raise OfficeUnavailable(
                N_("LibreOffice kunne ikke lage PDF-en: %(error)s")
                % {"error": answer.get("error", "ukjent feil")}
            )
        toc = tuple((str(text), str(page)) for text, page in answer.get("toc", []))
        return Rendered(target.read_bytes(), toc)

    def _ask(self, request: dict) -> dict:
        for attempt in (1, 2):  # a LibreOffice that died since the last report is started again
            process = self._running()
            try:
                stdin = _pipe(process.stdin)
                stdin.write(json.dumps(request) + "\n")
                stdin.flush()
                line = _read_line(process, convert_timeout())
                return json.loads(line)
            except TimeoutError as error:
                self.kill()  # hung: no second try, which would hang as long again
                raise OfficeUnavailable(
                    N_("LibreOffice svarte ikke og ble stoppet: %(error)s") % {"error": error}
                ) from error
            except (OSError, ValueError) as error:
                self.kill()
                if attempt == 2:
                    raise OfficeUnavailable(
                        N_("LibreOffice svarte ikke: %(error)s") % {"error": error}
                    ) from error
        raise AssertionError("unreachable")

    def _running(self) -> subprocess.Popen[str]:
        if self.process is not None and self.process.poll() is None:
            return self.process
        reason = office_missing_reason()
        if reason:
            raise OfficeUnavailable(reason)
        self.process = subprocess.Popen(  # nosec B603 - our own helper script, no shell
            [system_python(), str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # the app's Ctrl-C must not kill it mid-report
        )
        try:
            ready = json.loads(_read_line(self.process, START_TIMEOUT))
        except (ValueError, TimeoutError) as error:
            self.kill()
            raise OfficeUnavailable(
                N_("LibreOffice startet ikke: %(error)s") % {"error": error}
            ) from error
        if not ready.get("ready"):
            self.kill()
            raise OfficeUnavailable(N_("LibreOffice startet ikke."))
        return self.process

    def stop(self) -> None:
        """Let the helper close LibreOffice; kill them both if that takes too long."""
        if self.process is None:
            return
        process = self.process
        try:
            _pipe(process.stdin).close()
            process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        """Kill the helper and its LibreOffice at once: they share a process group."""
        if self.process is None:
            return
        process, self.process = self.process, None
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # already gone
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


def _pipe(stream: IO[str] | None) -> IO[str]:
    """The worker's stdin or stdout: always set, since ``_running`` starts it with PIPE."""
    if stream is None:
        raise RuntimeError("the LibreOffice helper was started without pipes")
    return stream


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    result: list[str] = []
    stdout = _pipe(process.stdout)

    def read() -> None:
        try:
            result.append(stdout.readline())
        except (OSError, ValueError):
            pass  # the helper was killed and its pipe closed: no answer

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        raise TimeoutError(N_("ingen svar etter %(seconds)d sekunder") % {"seconds": timeout})
    if not result or not result[0]:
        raise ValueError(N_("prosessen avsluttet uten svar"))
    return result[0]


_worker = _Worker()
atexit.register(lambda: _worker.stop())  # no LibreOffice left behind by a finished process


def render_pdf(docx: bytes, scratch: str | None = None) -> Rendered:
    """Lay the DOCX out with LibreOffice: its TOC page numbers and a tagged PDF. ``scratch``:
    where its input and output are written (the system's temporary folder if None)."""
    return _worker.render(docx, scratch)


def _probe(folder: Path) -> None:
    """Raise OSError when ``folder`` cannot take a write (full, read-only)."""
    with tempfile.TemporaryFile(dir=folder) as probe:
        probe.write(b"\0" * 65536)
        probe.flush()
        os.fsync(probe.fileno())


def _storage_problem(error: OSError) -> str:
    """What the coordinator is told when the build's disk refuses to be written."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return N_(
            "Disken på serveren er full, så PDF-en kunne ikke lages. Meld fra til den som drifter "
            "tjenesten."
        )
    if error.errno == errno.EROFS:
        return N_(
            "Serveren kan ikke skrive til mappen for rapportbygg (den er skrivebeskyttet), så "
            "PDF-en kunne ikke lages. Meld fra til den som drifter tjenesten."
        )
    return N_(
        "Serveren kunne ikke skrive filene til PDF-en (%(error)s). Meld fra til den som "
        "drifter tjenesten."
    ) % {"error": error.strerror or error}


def stop() -> None:
    """Stop this process's LibreOffice (tests and the benchmark's cold runs)."""
    with _worker.lock:
        _worker.stop()
