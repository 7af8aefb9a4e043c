#!/usr/bin/python3
"""Walk the app's main pages with the Orca screen reader and write down what it says.

Not a test in the suite: it needs an X server (Xvfb), a session bus, AT-SPI, Orca and
speech-dispatcher, none of which CI has. It runs with Debian's own python3 (Orca and its
Python bindings live there), not the project's .venv. docs/accessibility.md says what it
found. To run it:

    apt-get install -y --no-install-recommends orca xvfb x11-utils at-spi2-core dbus \\
        speech-dispatcher speech-dispatcher-espeak-ng espeak-ng xdotool chromium
    make run                # prints the demo accounts' passwords; in another shell, a round:
    TRACKER_ENV=development .venv/bin/flask --app wsgi rounds open status-2026 \\
        --title "Status 2026" --as-of 2026-12-31 --deadline 2027-01-15
    # then, with the app still running:
    /usr/bin/python3 tools/screen_reader_walk.py --base-url http://127.0.0.1:5000 \\
        --contact kontakt.aid@demo.example.no:PASSWORD \\
        --coordinator koordinator@demo.example.no:PASSWORD --round status-2026

Everything it starts (Xvfb, D-Bus, AT-SPI, speech-dispatcher, Orca, Chromium) lives in a
scratch directory with its own HOME and is stopped at the end. Orca speaks through
speech-dispatcher and espeak-ng into ALSA's null device (there is no sound card); what it said
is taken from Orca's debug log, where every utterance is a line "SPEECH OUTPUT: '…'", with the
language Orca found for it. The keys are pressed with xdotool,
as a person would: Tab, Orca's browse-mode keys (h: next heading, t: next table, f: next form
field, Alt+Shift+arrows: table cells), Enter, typing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SPEECH = re.compile(r"^\S+ - SPEECH OUTPUT: '(.*)'\s*[\[{]")
# Orca 43 finds the language of each part of a page (the lang attributes) and asks for a voice
# in it, but speaks with the user's voice anyway; the walk notes the language Orca found.
LANGUAGE = re.compile(r"voice requested with language='([a-z]{2,3}[^']*)'")
# Orca handles every key before Chromium gets it, and slowly: a key the script pressed is done
# when Orca has logged its release. Right Ctrl alone does nothing in Chromium: a marker.
MARKER_KEY = "Control_R"
MARKER_DONE = "PROCESS ATSPI_KEY_RELEASED_EVENT: 'Control_R'"

# Orca's settings for the walk: what a user has by default, except braille (no display here),
# key echo (it would read every key the script presses) and reading the whole page on load
# (the walk moves through each page with the keys instead, so the transcript says what each
# key gave).
ORCA_SETTINGS = {
    "enableBraille": False,
    "enableBrailleMonitor": False,
    "enableKeyEcho": False,
    "enableEchoByCharacter": False,
    "enableEchoByWord": False,
    "sayAllOnLoad": False,
}

ASOUNDRC = """pcm.!default {
    type file
    slave.pcm "null"
    file "/dev/null"
    format "raw"
}
"""


class Session:
    """Xvfb, a session bus, AT-SPI, Orca and Chromium, each started here and stopped at the end."""

    def __init__(self, scratch: Path, display: int):
        self.scratch = scratch
        self.processes: list[subprocess.Popen] = []
        home = scratch / "home"
        runtime = scratch / "xdg"
        home.mkdir(parents=True, exist_ok=True)
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.env = dict(os.environ, DISPLAY=f":{display}", HOME=str(home))
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        self.env["XDG_CONFIG_HOME"] = str(home / ".config")
        self.env["XDG_DATA_HOME"] = str(home / ".local/share")
        self.env.pop("NO_AT_BRIDGE", None)
        self.orca_log = scratch / "orca-debug.log"
        self.display = display

    def start(self, process_args: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.scratch / log_name, "wb")  # noqa: SIM115 - open while the process runs
        process = subprocess.Popen(
            process_args, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def up(self) -> None:
        self.start(
            ["Xvfb", f":{self.display}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            "xvfb.log",
        )
        wait_for(lambda: run(["xdpyinfo"], self.env).returncode == 0, "Xvfb")
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        self.env["DBUS_SESSION_BUS_ADDRESS"], self.dbus_pid = bus[0], int(bus[1])
        self.start(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"], "atspi.log")
        wait_for(
            lambda: (
                run(
                    [
                        "dbus-send",
                        "--session",
                        "--print-reply",
                        "--dest=org.a11y.Bus",
                        "/org/a11y/bus",
                        "org.a11y.Bus.GetAddress",
                    ],
                    self.env,
                ).returncode
                == 0
            ),
            "the AT-SPI bus",
        )
        run(
            [
                "dbus-send",
                "--session",
                "--dest=org.a11y.Bus",
                "/org/a11y/bus",
                "org.freedesktop.DBus.Properties.Set",
                "string:org.a11y.Status",
                "string:IsEnabled",
                "variant:boolean:true",
            ],
            self.env,
        )
        self.configure_speech()
        self.configure_orca()
        # Debian's minimal images have no Norwegian locale: Orca's own words come in English.
        self.env["LANG"] = self.env["LC_ALL"] = "C.UTF-8"
        self.start(["orca", "--replace", f"--debug-file={self.orca_log}"], "orca.out")
        wait_for(
            lambda: (
                self.orca_log.exists()
                and "SPEECH OUTPUT" in self.orca_log.read_text(errors="replace")
            ),
            "Orca's first words",
            timeout=60,
        )

    def configure_speech(self) -> None:
        # speech-dispatcher tries PulseAudio and then ALSA; without a sound card it blocks on the
        # first utterance and Orca with it (its watchdog then kills Orca). ALSA's null device takes
        # the sound and lets speech go on at its own pace.
        home = Path(self.env["HOME"])
        config = home / ".config/speech-dispatcher"
        if not config.exists():
            shutil.copytree("/etc/speech-dispatcher", config)
            with open(config / "speechd.conf", "a") as speechd:
                speechd.write('\nAudioOutputMethod "alsa"\n')
        (home / ".asoundrc").write_text(ASOUNDRC)

    def configure_orca(self) -> None:
        path = Path(self.env["XDG_DATA_HOME"]) / "orca/user-settings.conf"
        if not path.exists():
            # Orca's settings manager writes the defaults when it is first activated (it needs the
            # AT-SPI bus, which is up by now); starting Orca itself for that left it registered
            # and the real start then hung.
            subprocess.run(
                [
                    "/usr/bin/python3",
                    "-c",
                    "from orca import settings_manager; settings_manager.getManager().activate()",
                ],
                env=self.env,
                check=True,
                capture_output=True,
                timeout=60,
            )
        settings = json.loads(path.read_text())
        for section in [settings["general"], *settings["profiles"].values()]:
            section.update(ORCA_SETTINGS)
        path.write_text(json.dumps(settings, indent=4))
        # Orca opens its debug file block-buffered, so what it said reaches the file kilobytes
        # late; Orca loads this file of the user's own code at start, after opening the log.
        (path.parent / "orca-customizations.py").write_text(
            "from orca import debug\n"
            "if debug.debugFile:\n"
            "    debug.debugFile.reconfigure(line_buffering=True)\n"
        )

    def down(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        if getattr(self, "dbus_pid", None):
            os.kill(self.dbus_pid, signal.SIGTERM)
        # speech-dispatcher was spawned by Orca in its own session; it ends when idle, but not
        # before this script does, so end it by the pid it wrote.
        pid_file = Path(self.env["XDG_RUNTIME_DIR"]) / "speech-dispatcher/pid/speech-dispatcher.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=env, capture_output=True, text=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(condition, what: str, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            sys.exit(f"screen_reader_walk: gave up waiting for {what}")
        time.sleep(0.2)


class Walk:
    """Presses keys, waits after each until Orca has stopped talking, and notes what it said."""

    def __init__(self, session: Session, base_url: str):
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.offset = 0
        self.pending = ""
        self.markers = 0
        self.markers_pressed = 0
        self.transcript: list[tuple[str, list[str]]] = []

    def heard(self) -> list[str]:
        """Utterances since the last call, each with the language speech-dispatcher used."""
        with open(self.session.orca_log, errors="replace") as log:
            log.seek(self.offset)
            text = log.read()
            self.offset = log.tell()
        self.pending += text
        complete, _, self.pending = self.pending.rpartition("\n")
        lines: list[str] = []
        languages: list[str] = []
        for line in complete.splitlines():
            language = LANGUAGE.search(line)
            if language and language.group(1) not in languages:
                languages.append(language.group(1))
            said = SPEECH.match(line)
            if said:
                found = f"  [{', '.join(languages)}]" if languages else ""
                lines.append(said.group(1) + found)
                languages = []
            if MARKER_DONE in line:
                self.markers += 1
        return lines

    def settle_keys(self) -> list[str]:
        """Press the marker key and wait until Orca has handled it, so every key before it too."""
        said: list[str] = []
        self.markers_pressed += 1  # counted, not compared with the last: one may still be queued
        run(["xdotool", "key", MARKER_KEY], self.session.env)
        end = time.monotonic() + 120
        while self.markers < self.markers_pressed and time.monotonic() < end:
            said.extend(self.heard())
            time.sleep(0.1)
        return said

    def quiet(self, settle: float = 1.2, timeout: float = 20) -> list[str]:
        """What Orca says from now until it has said nothing new for `settle` seconds."""
        said = self.settle_keys()
        last = time.monotonic()
        end = last + timeout
        while time.monotonic() < end:
            new = self.heard()
            if new:
                said.extend(new)
                last = time.monotonic()
            elif time.monotonic() - last > settle:
                break
            time.sleep(0.2)
        return said

    def key(self, *keys: str, note: str | None = None) -> list[str]:
        self.heard()
        run(["xdotool", "key", "--clearmodifiers", *keys], self.session.env)
        said = self.quiet()
        self.transcript.append((note or " ".join(keys), said))
        return said

    def type(self, text: str, note: str) -> None:
        self.heard()
        run(["xdotool", "type", "--delay", "30", text], self.session.env)
        self.transcript.append((note, self.quiet()))

    def heading(self, title: str) -> None:
        self.transcript.append((f"## {title}", []))

    def open(self, path: str) -> list[str]:
        """Ctrl+L, the address, Enter: what Orca says as the page loads."""
        self.heard()
        for _ in range(3):  # a page still loading can take the first Ctrl+L
            run(["xdotool", "key", "--clearmodifiers", "ctrl+l"], self.session.env)
            if any(
                "Address and search bar" in line for line in self.settle_keys() + self.quiet(0.5, 5)
            ):
                break
        run(["xdotool", "type", "--delay", "10", self.base_url + path], self.session.env)
        # Delete drops what the address bar filled in from the history (typing …/tiltak would
        # otherwise open …/tiltak/29, visited before).
        run(["xdotool", "key", "Delete"], self.session.env)
        self.settle_keys()
        run(["xdotool", "key", "Return"], self.session.env)
        said = self.quiet(settle=2.0)
        end = time.monotonic() + 40
        while not any("Finished loading" in line for line in said) and time.monotonic() < end:
            said += self.quiet(settle=2.0)
        self.transcript.append((f"open {path}", said))
        return said

    def until(self, keys: str, pattern: str, limit: int = 40) -> list[str]:
        """Press `keys` until Orca says something matching `pattern` (as a user listens for it)."""
        for _ in range(limit):
            said = self.key(keys)
            if any(re.search(pattern, line) for line in said):
                return said
        self.transcript.append((f"(not heard after {limit} × {keys}: {pattern})", []))
        return []

    def write(self, path: Path) -> None:
        with open(path, "w") as out:
            for step, said in self.transcript:
                if step.startswith("## "):
                    out.write(f"\n{step}\n\n")
                    continue
                out.write(f"- {step}\n")
                for line in said:
                    out.write(f"    «{line}»\n")


def public_pages(walk: Walk, plan: str) -> None:
    walk.heading("Front page: Tab from the top")
    walk.open("/")
    for _ in range(14):
        walk.key("Tab")
    walk.heading("Front page: H through the headings (browse mode)")
    walk.open("/")
    for _ in range(12):
        walk.key("h")
    walk.key("t", note="t (next table)")
    for keys in ["alt+shift+Down", "alt+shift+Right", "alt+shift+Right", "alt+shift+Down"]:
        walk.key(keys)

    walk.heading("A measure (29, Sámi guides)")
    walk.open(f"/planer/{plan}/tiltak/29")
    for _ in range(8):
        walk.key("h")
    walk.open(f"/planer/{plan}/tiltak/29")
    for _ in range(25):
        walk.key("Down", note="Down (read on, line by line)")

    walk.heading("The measure list and its filter form")
    walk.open(f"/planer/{plan}/tiltak")
    walk.key("f", note="f (next form field)")
    walk.until("Tab", r"(?i)søk")
    walk.type("samisk", note="type «samisk»")
    walk.key("Tab")
    walk.key("Down", note="Down in the area select")
    walk.key("Tab")
    walk.key("Tab")
    walk.key("Down", note="Down in the status select")
    walk.until("Tab", r"(?i)vis tiltak")
    walk.key("Return", note="Enter on «Vis tiltak»")
    for _ in range(6):
        walk.key("h")
    walk.key("t", note="t (next table)")
    for keys in ["alt+shift+Down", "alt+shift+Right", "alt+shift+Right"]:
        walk.key(keys)

    walk.heading("Search with no hits")
    walk.open(f"/planer/{plan}/tiltak?q=zzzyyx")
    for _ in range(4):
        walk.key("h")

    walk.heading("Language switch to nynorsk")
    walk.open(f"/planer/{plan}/tiltak/29")
    walk.until("Tab", r"(?i)nynorsk")
    walk.key("Return", note="Enter on «Nynorsk»")
    for _ in range(4):
        walk.key("h")
    walk.key("Tab")
    walk.heading("English")
    walk.open(f"/planer/{plan}/tiltak/29?lang=en")
    for _ in range(4):
        walk.key("h")
    walk.open(f"/planer/{plan}/tiltak/29?lang=nb")


def sign_in(walk: Walk, account: str, wrong_first: bool) -> None:
    email, password = account.split(":", 1)
    walk.open("/logg-inn")
    walk.until("Tab", r"(?i)e-post")
    if wrong_first:
        walk.until("Tab", r"(?i)logg inn.*button|button.*logg inn")
        walk.key("Return", note="Enter on «Logg inn» with both fields empty")
        _back_to_the_email_field(walk)
        _submit(walk, email, "feil-passord", note="type a wrong password")
        _back_to_the_email_field(walk)
    _submit(walk, email, password, note="type the password")


def _back_to_the_email_field(walk: Walk) -> None:
    """Hear what the refused form says (three Tabs), then start again on a fresh form."""
    for _ in range(3):
        walk.key("Tab")
    walk.open("/logg-inn")
    walk.until("Tab", r"(?i)e-post")


def _submit(walk: Walk, email: str, password: str, *, note: str) -> None:
    walk.type(email, note="type the e-mail address")
    walk.key("Tab")
    walk.type(password, note=note)
    walk.key("Return", note="Enter")


def sign_out(walk: Walk) -> None:
    walk.open("/")
    walk.until("Tab", r"(?i)logg ut")
    walk.key("Return", note="Enter on «Logg ut»")
    walk.quiet(settle=2)


def contact_person(walk: Walk, account: str, round_slug: str, number: int) -> None:
    walk.heading("Sign-in: empty, wrong password, then right")
    sign_in(walk, account, wrong_first=True)
    walk.heading(f"Report form, measure {number}, as the contact person")
    walk.open(f"/rapportering/{round_slug}/tiltak/{number}")
    for _ in range(6):
        walk.key("h")
    walk.open(f"/rapportering/{round_slug}/tiltak/{number}")
    walk.until("Tab", r"(?i)radio")
    for keys in ["Down", "Down", "Up"]:
        walk.key(keys)
    walk.until("Tab", r"(?i)entry|edit|text")
    walk.key("ctrl+a", "BackSpace", note="select all and delete the narrative")
    walk.until("Tab", r"(?i)sende?.*button")
    walk.key("Return", note="Enter on the send button with the narrative empty")
    walk.key("Tab")
    walk.key("Tab")
    sign_out(walk)


def coordinator(walk: Walk, account: str, round_slug: str) -> None:
    walk.heading("Round overview as the coordinator")
    sign_in(walk, account, wrong_first=False)
    walk.open(f"/rapportering/{round_slug}/oversikt")
    for _ in range(6):
        walk.key("h")
    walk.open(f"/rapportering/{round_slug}/oversikt")
    walk.key("t", note="t (next table)")
    for keys in [
        "alt+shift+Down",
        "alt+shift+Right",
        "alt+shift+Right",
        "alt+shift+Right",
        "alt+shift+Right",
        "alt+shift+Down",
    ]:
        walk.key(keys)
    sign_out(walk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--plan", default="handlingsplan-rasisme-2024-2027")
    parser.add_argument("--contact", help="e-mail:password of a contact person")
    parser.add_argument("--coordinator", help="e-mail:password of a coordinator")
    parser.add_argument("--round", dest="round_slug", help="an open round's slug")
    parser.add_argument("--measure", type=int, default=1, help="a measure of the contact's unit")
    parser.add_argument("--display", type=int, default=77)
    parser.add_argument(
        "--scratch", type=Path, help="where the session lives (default: a temporary dir)"
    )
    parser.add_argument("--out", type=Path, default=Path("screen-reader-walk.txt"))
    parser.add_argument(
        "--parts", default="public,contact,coordinator", help="which walks, separated by commas"
    )
    args = parser.parse_args()

    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="screen-reader-walk-"))
    scratch.mkdir(parents=True, exist_ok=True)
    session = Session(scratch, args.display)
    walk = None
    try:
        session.up()
        # No translation offer (the browser's own language is not the page's) or password-saving
        # bubble in the way.
        profile = scratch / "chromium/Default"
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "Preferences").write_text(
            json.dumps(
                {
                    "translate": {"enabled": False},
                    "credentials_enable_service": False,
                    "profile": {"password_manager_enabled": False},
                }
            )
        )
        session.start(
            [
                "chromium",
                "--test-type",
                "--no-sandbox",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-gpu",
                "--disable-features=Translate",
                "--force-renderer-accessibility",
                f"--user-data-dir={scratch / 'chromium'}",
                "--window-position=0,0",
                "--window-size=1280,1000",
                "--lang=nb",
                "about:blank",
            ],
            "chromium.log",
        )
        walk = Walk(session, args.base_url)
        walk.quiet(settle=3, timeout=30)
        # Without a window manager, X gives the keyboard to the window under the pointer.
        run(["xdotool", "mousemove", "640", "500"], session.env)
        parts = args.parts.split(",")
        if "public" in parts:
            public_pages(walk, args.plan)
        if "contact" in parts and args.contact and args.round_slug:
            contact_person(walk, args.contact, args.round_slug, args.measure)
        if "coordinator" in parts and args.coordinator and args.round_slug:
            coordinator(walk, args.coordinator, args.round_slug)
    finally:
        if walk is not None:
            walk.write(args.out)
            print(
                f"screen_reader_walk: what Orca said is in {args.out}; its log: {session.orca_log}"
            )
        session.down()


if __name__ == "__main__":
    main()
