"""The app as it runs in production, for the fault tests and bench/bench_load.py: a PostgreSQL
cluster of its own, gunicorn with the project's gunicorn.conf.py (one instance, or two as on two
machines), deploy/nginx.conf itself in front, contact persons who sign in and save through the
real HTTP forms, and the consistency check of reports against their revisions.

Everything listens on 127.0.0.1 only, on free ports, in a temporary directory.
"""

import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PASSWORD = "lastprove-passord-2026"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version"[^>]*value="(\d+)"')
ROUND_SLUG = "last-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout), or None."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    return Path(candidates[-1]).parent if candidates else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on its own port and socket directory.

    As root it runs as the ``postgres`` OS user (PostgreSQL refuses to run as root); otherwise
    as the current user. The shared server on port 5432 is never touched.
    """

    def __init__(self):
        self.bin = postgres_bin_dir()
        if self.bin is None:
            raise RuntimeError("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        # Directly under /tmp: the postgres user must reach it, and pytest's tmp dirs are private.
        self.base = Path(tempfile.mkdtemp(prefix="tracker-postgres-"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.log = self.base / "postgres.log"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def url_of(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return self.url_of("tracker")

    def copy_database(self, name: str) -> str:
        """A new database, copied from ``tracker`` (which must have no open connections)."""
        engine = create_engine(self.url_of("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE tracker'))
        engine.dispose()
        return self.url_of(name)

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if finished.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {finished.stderr.strip()[-1500:]}")

    def create(self) -> None:
        self.sockets.mkdir(parents=True)
        self.base.chmod(0o755)
        if self.as_postgres:
            shutil.chown(self.sockets, "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres")
            os.chmod(self.base, 0o777)  # initdb (as postgres) creates the data directory here
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        self.start()
        engine = create_engine(self.url_of("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE tracker"))
        engine.dispose()

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=100"
        )
        self._run(
            "pg_ctl",
            action,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            *extra,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        self._pg_ctl("stop", "-m", "fast")

    def destroy(self) -> None:
        try:
            self.stop()
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.base, ignore_errors=True)


def app_environment(database_url: str, **settings: str) -> dict:
    """Production settings; ``settings`` adds or replaces variables (e.g. SECRET_KEY: give every
    instance of one site the same, as production must)."""
    return (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "TRACKER_ENV": "production",
            "SECRET_KEY": uuid.uuid4().hex,
            "PUBLIC_URL": "https://tracker.example.no",
        }
        | settings
    )


def prepare_database(database_url: str, contacts: int = 20) -> "Scenario":
    """Migrate, seed the plan, open a round and create contact persons (see ``scenario``).

    In this process, with the real migrations and the seed loader `flask seed` uses: starting
    two `flask` processes cost the fault tests 5 s more."""
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db
    from tracker.plan.loader import load_plan

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRACKER_ENV": "development"})
    with app.app_context():
        upgrade()
        with open(app.config["SEED_PATH"], encoding="utf-8") as plan:
            load_plan(db.session, json.load(plan))
        db.session.commit()
        db.engine.dispose()
    return scenario(database_url, contacts)


def scenario(database_url: str, contacts: int) -> "Scenario":
    """Open a round and give ``contacts`` contact persons, two per unit, the measures their
    unit shares with others first, so several people (of one unit, and of co-responsible
    units) save the same reports at once."""
    from tracker import create_app
    from tracker.auth.models import Role
    from tracker.auth.operations import create_user
    from tracker.extensions import db
    from tracker.measures.queries import all_measures
    from tracker.ministries.queries import all_units
    from tracker.plan.queries import first_plan
    from tracker.reporting.operations import open_round

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TRACKER_ENV": "development"})
    people = []
    with app.app_context():
        plan = first_plan()
        open_round(
            plan,
            ROUND_SLUG,
            "Lastprøve 2026",
            date(2026, 6, 1),
            None,
            opened_by=None,
        )
        measures = all_measures(plan)
        units = [unit for unit in all_units() if any(unit in measure.units for measure in measures)]
        for index in range(contacts):
            unit = units[(index // 2) % len(units)]
            own = [measure for measure in measures if unit in measure.units]
            shared = [measure.number for measure in own if len(measure.units) > 1]
            alone = [measure.number for measure in own if len(measure.units) == 1]
            email = f"kontakt{index + 1}@{unit.abbreviation.lower()}.example.no"
            create_user(email, Role.CONTACT, PASSWORD, unit=unit, name=f"Kontakt {index + 1}")
            people.append((email, (shared + alone)[:3]))
        db.session.commit()
        db.engine.dispose()
    return Scenario(people=people)


@dataclass
class Scenario:
    people: list[tuple[str, list[int]]]  # (e-mail, measure numbers they save, most shared first)


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py; its JSON request log goes to a file."""

    def __init__(
        self,
        database_url: str,
        log_dir: Path,
        workers: int | None = None,
        wait: bool = True,
        **settings: str,
    ):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = app_environment(database_url, **settings) | {"BIND": f"127.0.0.1:{self.port}"}
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.stdout_path = log_dir / f"gunicorn-{self.port}.out"
        self.stderr_path = log_dir / f"gunicorn-{self.port}.err"
        self._stdout = open(self.stdout_path, "w")
        self._stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self._stdout,
            stderr=self._stderr,
        )
        if wait:  # else the caller calls wait_until_ready(), e.g. after starting another
            self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.stderr_path.read_text()[-2000:]}")
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def busy_worker_pids(self) -> list[int]:
        """Workers serving a request now: they hold a client socket on top of the listening
        socket and their database connection."""
        sockets = {}
        for pid in self.worker_pids():
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            sockets[pid] = sum(link.startswith("socket:") for link in links)
        return [pid for pid, count in sockets.items() if count >= 3]

    def kill_a_busy_worker(self, rng: random.Random, patience: float = 1.0) -> int | None:
        """SIGKILL one of this gunicorn's own workers while it serves a request (the master
        starts a new one)."""
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            busy = self.busy_worker_pids()
            if busy:
                pid = rng.choice(busy)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    continue
                return pid
            time.sleep(0.005)
        return None

    def request_log(self) -> list[dict]:
        """Every request the app logged (its JSON lines on stdout)."""
        self._stdout.flush()
        entries = []
        for line in self.stdout_path.read_text().splitlines():
            if line.startswith("{") and '"event": "request"' in line:
                entries.append(json.loads(line))
        return entries

    def request_statuses(self) -> Counter:
        return Counter(entry["status"] for entry in self.request_log())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stdout.close()
        self._stderr.close()


class Nginx:
    """deploy/nginx.conf itself in front of one or more gunicorns (as on two machines): its
    ports, paths and a self-signed certificate for 127.0.0.1 swapped in, the app's own error
    pages written where it looks for them. ``base`` is its HTTPS address; ``session()`` trusts
    the certificate. Run with TRUSTED_PROXIES=1 behind it, as production does."""

    def __init__(self, upstream_ports: list[int], read_timeout: int | None = None):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        # nginx's workers run as another user: everything they read must be world-readable, so
        # directly under /tmp (pytest's own folders are private).
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-nginx-"))
        self.dir.chmod(0o755)
        for name in ("cache", "tmp", "error-pages"):
            (self.dir / name).mkdir()
            (self.dir / name).chmod(0o777)
        self.cert, key = self.dir / "cert.pem", self.dir / "key.pem"
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", str(key), "-out", str(self.cert),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        self._write_error_pages()
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        conf = self.dir / "nginx.conf"
        conf.write_text(self._conf(upstream_ports, key, read_timeout), encoding="utf-8")
        self.log = self.dir / "error.log"
        self.process = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.dir)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.dir / "stderr.log", "w"),  # noqa: SIM115 - closed with the process
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.dir / 'stderr.log').read_text()}")
            # nginx writes its pid file once it holds its ports: before that, a connection may
            # reach another process that took the port first (parallel test runs).
            if (self.dir / "nginx.pid").exists():
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def _write_error_pages(self) -> None:
        from tracker import create_app
        from tracker.proxy_pages import render_pages

        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.app_context():
            for name, html in render_pages().items():
                (self.dir / "error-pages" / name).write_text(html, encoding="utf-8")

    def _conf(self, upstream_ports: list[int], key: Path, read_timeout: int | None) -> str:
        upstreams = "\n        ".join(f"server 127.0.0.1:{port};" for port in upstream_ports)
        swaps = {
            "pid /run/nginx-tracker.pid;": f"daemon off;\npid {self.dir}/nginx.pid;",
            "error_log /var/log/nginx/tracker.error.log warn;": f"error_log {self.dir}/error.log;",
            "access_log /var/log/nginx/tracker.access.log tracker;": (
                f"access_log {self.dir}/access.log tracker;\n"
            )
            + "".join(
                f"    {kind}_temp_path {self.dir}/tmp/{kind};\n"
                for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            ),
            "/var/cache/nginx/": f"{self.dir}/cache/",
            "/etc/ssl/tracker/fullchain.pem": str(self.cert),
            "/etc/ssl/tracker/privkey.pem": str(key),
            "server 127.0.0.1:8000;": upstreams,
            "/srv/tracker/instance/error-pages/": f"{self.dir}/error-pages/",
        }
        if read_timeout is not None:
            swaps["proxy_read_timeout 60s;"] = f"proxy_read_timeout {read_timeout}s;"
        conf = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        for old, new in swaps.items():
            if old not in conf:
                raise RuntimeError(f"deploy/nginx.conf no longer contains {old!r}: update Nginx")
            conf = conf.replace(old, new)
        # The default server that refuses foreign hosts goes: clients here name 127.0.0.1, not
        # the server_name (tests/test_nginx.py tests the refusal). Every other listener moves to
        # this instance's free ports of 127.0.0.1 (a port 80 or 443 left in would collide with a
        # parallel test's nginx; IPv6 may be missing here).
        default_server = r"\n    server \{\n        listen 80 default_server;.*?\n    \}\n"
        conf, defaults = re.subn(default_server, "\n", conf, flags=re.S)
        if defaults != 1:
            raise RuntimeError("deploy/nginx.conf's default server is not where Nginx expects it")
        conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
        conf = re.sub(r"listen 80\b", f"listen 127.0.0.1:{free_port()}", conf)
        return re.sub(r"listen 443\b", f"listen 127.0.0.1:{self.port}", conf)

    def session(self) -> requests.Session:
        session = RefererSession()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the certificate below
        session.verify = str(self.cert)
        return session

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class RefererSession(requests.Session):
    """A browser's forms over HTTPS send a Referer, which Flask-WTF checks against the host the
    app sees: nginx passes $host, without the test's port, as on port 443 in production."""

    def prepare_request(self, request):
        if request.method not in ("GET", "HEAD"):
            path = urlsplit(request.url).path
            request.headers = {"Referer": f"https://127.0.0.1{path}", **(request.headers or {})}
        return super().prepare_request(request)


class ProxiedBrowserSession(requests.Session):
    """A client that sends the Secure session cookie over plain HTTP, as a browser does through
    the HTTPS proxy that production sits behind (the tests talk to 127.0.0.1 directly)."""

    def prepare_request(self, request):
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)


def browser_session() -> requests.Session:
    return ProxiedBrowserSession()


@dataclass
class SaveLog:
    """What the clients sent and what they were told, shared by all client threads."""

    # outcome ("stored", "conflict", "no_answer", "answer_503", …) → measure number → narratives
    narratives: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    outcomes: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, number: int, narrative: str, outcome: str, status: int | None) -> None:
        with self.lock:
            self.narratives[outcome][number].add(narrative)
            self.outcomes[outcome] += 1
            if status is not None:
                self.statuses[status] += 1

    def count(self, outcome: str) -> None:
        with self.lock:
            self.outcomes[outcome] += 1

    def count_status(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1

    def sent(self, number: int) -> set:
        return set().union(
            *(by_number.get(number, set()) for by_number in self.narratives.values())
        )

    def told(self, outcome: str, number: int) -> set:
        return set(self.narratives.get(outcome, {}).get(number, set()))


class ContactPerson:
    """Signs in through the form, then loads a report form (CSRF token + version) and posts it."""

    def __init__(
        self,
        base: str,
        email: str,
        measures: list[int],
        log: SaveLog,
        timeout: float = 30,
        session: requests.Session | None = None,
    ):
        self.base, self.email, self.measures, self.log = base, email, measures, log
        self.timeout = timeout
        self.session = session or browser_session()
        self.saves = 0

    def sign_in(self) -> bool:
        page = self.session.get(self.base + "/logg-inn", timeout=self.timeout)
        token = CSRF_INPUT.search(page.text)
        if token is None:
            return False
        answer = self.session.post(
            self.base + "/logg-inn",
            allow_redirects=False,
            timeout=self.timeout,
            data={"email": self.email, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        return answer.status_code == 302

    def save_once(self, rng: random.Random) -> str:
        """One save of a fresh narrative; returns the outcome: stored, conflict, or what failed."""
        number = rng.choice(self.measures)
        url = f"{self.base}/rapportering/{ROUND_SLUG}/tiltak/{number}"
        try:
            form = self.session.get(url, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException:
            self.log.count("form_unreachable")
            return "form_unreachable"
        self.log.count_status(form.status_code)
        token, version = CSRF_INPUT.search(form.text), VERSION_INPUT.search(form.text)
        if form.status_code != 200 or token is None or version is None:
            self.log.count(f"form_{form.status_code}")
            return f"form_{form.status_code}"
        self.saves += 1
        narrative = f"Status fra {self.email}, lagring {self.saves} ({uuid.uuid4().hex[:8]})."
        data = {
            "status": rng.choice(["in_progress", "completed", "not_started"]),
            "narrative": narrative,
            "version": version.group(1),
            "save": "Lagre utkast",
            "csrf_token": token.group(1),
        }
        try:
            answer = self.session.post(url, data=data, allow_redirects=False, timeout=self.timeout)
        except requests.RequestException:
            # The connection died (a killed worker): the save may or may not have been stored.
            self.log.record(number, narrative, "no_answer", None)
            return "no_answer"
        outcome = {302: "stored", 409: "conflict"}.get(
            answer.status_code, f"answer_{answer.status_code}"
        )
        self.log.record(number, narrative, outcome, answer.status_code)
        return outcome


def run_contact_persons(
    base: str, people, log: SaveLog, stop: threading.Event, seed: int = 1, session_factory=None
) -> list:
    """One thread per person, saving until ``stop`` is set. Returns the started threads."""

    def work(email, measures, rng):
        session = session_factory() if session_factory else None
        person = ContactPerson(base, email, measures, log, session=session)
        while not stop.is_set():
            try:
                if person.sign_in():
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        while not stop.is_set():
            person.save_once(rng)

    threads = [
        threading.Thread(
            target=work, args=(email, measures, random.Random(seed + index)), daemon=True
        )
        for index, (email, measures) in enumerate(people)
    ]
    for thread in threads:
        thread.start()
    return threads


@dataclass
class Consistency:
    reports_checked: int
    stored_versions: dict  # measure number → versions saved in this round after opening
    saved: dict  # measure number → the narratives those versions hold
    problems: list[str]


def check_reports(database_url: str, log: SaveLog) -> Consistency:
    """Compare every report of the load round with its revisions and with what clients sent.

    - the revisions' versions run 1, 2, … up to the report's version, with no gap;
    - the report's current status and narrative are its latest revision's new values;
    - each revision starts from the values the one before it ended with;
    - every saved narrative is one a client sent for that measure, and every save a client was
      told was stored (302) is there; nothing else was stored.
    """
    from tracker.measures.models import Measure
    from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision

    engine = create_engine(database_url)
    problems = []
    stored_versions, saved_by_number = {}, {}
    with Session(engine) as session:
        reports = session.execute(
            select(MeasureReport, Measure.number)
            .join(Measure, MeasureReport.measure_id == Measure.id)
            .join(ReportingRound, MeasureReport.round_id == ReportingRound.id)
            .where(ReportingRound.slug == ROUND_SLUG)
        ).all()
        for report, number in reports:
            revisions = list(
                session.scalars(
                    select(ReportRevision)
                    .where(ReportRevision.report_id == report.id)
                    .order_by(ReportRevision.version)
                )
            )
            versions = [revision.version for revision in revisions]
            if versions != list(range(1, report.version + 1)):
                problems.append(
                    f"measure {number}: versions {versions}, report at {report.version}"
                )
                continue
            latest = revisions[-1]
            if (report.status, report.narrative) != (latest.new_status, latest.new_narrative):
                problems.append(
                    f"measure {number}: current values differ from revision {latest.version}"
                )
            for before, after in zip(revisions, revisions[1:], strict=False):
                if (after.old_status, after.old_narrative) != (
                    before.new_status,
                    before.new_narrative,
                ):
                    problems.append(
                        f"measure {number}: revision {after.version} does not follow "
                        f"{before.version}"
                    )
            saved = {revision.new_narrative for revision in revisions if revision.action == "saved"}
            stored_versions[number] = sum(1 for revision in revisions if revision.action == "saved")
            saved_by_number[number] = saved
            if stored_versions[number] != len(saved):
                problems.append(f"measure {number}: one narrative stored twice")
            if not saved <= log.sent(number):
                problems.append(
                    f"measure {number}: {len(saved - log.sent(number))} stored narratives nobody "
                    "sent"
                )
            answered_stored = log.told("stored", number)
            if not answered_stored <= saved:
                problems.append(
                    f"measure {number}: {len(answered_stored - saved)} saves answered 302 are "
                    "missing"
                )
            # Only a save whose connection died may be stored without its client being told so.
            if not saved - answered_stored <= log.told("no_answer", number):
                problems.append(
                    f"measure {number}: stored narratives whose clients were told otherwise"
                )
    engine.dispose()
    return Consistency(
        reports_checked=len(reports),
        stored_versions=stored_versions,
        saved=saved_by_number,
        problems=problems,
    )
