"""Both sides of sign-in throttling, measured on the real throttle and a real database: what an
attacker can achieve, and whether the owner can still sign in while the attack runs.

    .venv/bin/python bench/bench_sign_in.py            # writes bench/results-sign-in.md

Time is simulated: failures are written to the audit log with the moment they happen, and
``throttle_for(email, address, now)`` (the one function every sign-in path asks) decides each
attempt, exactly as in a request. The attacker tries once a second whenever allowed and waits
exactly as long as told otherwise. Scenarios:
- one account, from one address;
- one account, from a new address for every guess (a botnet);
- password spraying: a new account for every guess, from one address (one ministry's network
  behind NAT, or every client when TRUSTED_PROXIES is wrong).
For the owner (who signed in from their office address the day before) and a colleague who
never signed in from that network, the attack is sampled every minute: can they sign in at
once, and if not, how long must they wait?
"""

import os
import platform
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.audit.models import AuditEvent  # noqa: E402
from tracker.auth.throttle import throttle_for  # noqa: E402
from tracker.extensions import db  # noqa: E402

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOURS = 24
OWNER, COLLEAGUE = "eier@aid.dep.no", "kollega@aid.dep.no"
OFFICE, NAT, ATTACKER = "198.51.100.7", "203.0.113.50", "203.0.113.9"


def add(event: str, email: str, address: str, moment: datetime) -> None:
    db.session.add(AuditEvent(event=event, email=email, remote_addr=address, created_at=moment))
    db.session.flush()


def reset() -> None:
    db.session.query(AuditEvent).delete()
    # The owner signed in from the office, and the colleague never from the ministry network.
    add("login", OWNER, OFFICE, START - timedelta(days=1))
    add("login", OWNER, NAT, START - timedelta(days=1))
    db.session.commit()


def attack(victim, address) -> dict:
    """Run the attack for HOURS; sample the owner's and the colleague's chances every minute."""
    reset()
    guesses_first_hour = guesses = 0
    moment, end = START, START + timedelta(hours=HOURS)
    next_sample = START
    samples = {label: [] for label in PEOPLE}
    n = 0
    while moment < end:
        while next_sample <= moment:
            for label, (email, where) in PEOPLE.items():
                throttle = throttle_for(email, where, next_sample)
                wait = (
                    (throttle.locked_until - next_sample).total_seconds()
                    if throttle.locked_until
                    else 0.0
                )
                samples[label].append(wait)
            next_sample += timedelta(minutes=1)
        email, where = victim(n), address(n)
        throttle = throttle_for(email, where, moment)
        if throttle.locked_until is not None:
            moment = max(moment + timedelta(seconds=1), throttle.locked_until)
            continue
        add("login_failed", email, where, moment)
        guesses += 1
        n += 1
        if moment < START + timedelta(hours=1):
            guesses_first_hour += 1
        moment += timedelta(seconds=1)
    db.session.commit()
    return {"first_hour": guesses_first_hour, "day": guesses, "samples": samples}


# Who tries to sign in during the attack, from where.
PEOPLE = {
    "owner at the office (signed in there before)": (OWNER, OFFICE),
    "owner on the attacked network (signed in there before)": (OWNER, NAT),
    "owner at a new address": (OWNER, "192.0.2.44"),
    "colleague on the attacked network (never signed in there)": (COLLEAGUE, NAT),
}

SCENARIOS = {
    "one account, one address": (lambda n: OWNER, lambda n: ATTACKER),
    "one account, new address per guess": (
        lambda n: OWNER,
        lambda n: f"10.{n // 65536}.{n // 256 % 256}.{n % 256}",
    ),
    "spraying: new account per guess, one network (NAT)": (
        lambda n: f"gjett{n}@aid.dep.no",
        lambda n: NAT,
    ),
}


def describe(waits: list[float]) -> str:
    at_once = sum(1 for wait in waits if wait == 0) / len(waits)
    longest, median = max(waits), statistics.median(waits)
    return f"{at_once:.0%} at once; longest wait {longest:,.0f} s, median {median:,.0f} s"


def main() -> None:
    directory = tempfile.mkdtemp()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-sign-in",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/b.sqlite",
        }
    )
    lines = [
        "# Sign-in throttling: attacker and owner",
        "",
        f"Source: {os.environ.get('BENCH_LABEL', 'this branch')}. "
        f"CPython {platform.python_version()}, SQLite, simulated time (no waiting). "
        "Command: `.venv/bin/python bench/bench_sign_in.py`.",
        "",
        "| scenario | attacker's guesses, first hour | attacker's guesses, 24 h | "
        + " | ".join(PEOPLE)
        + " |",
        "|---|---:|---:|" + "---|" * len(PEOPLE),
    ]
    with app.app_context():
        upgrade()
        for name, (victim, address) in SCENARIOS.items():
            result = attack(victim, address)
            samples = result["samples"]
            lines.append(
                f"| {name} | {result['first_hour']:,} | {result['day']:,} | "
                + " | ".join(describe(samples[label]) for label in PEOPLE)
                + " |"
            )
            print(lines[-1], flush=True)
    lines += [
        "",
        "Each owner/colleague cell: the share of once-a-minute samples over the 24 hours at which "
        "the right password would have been accepted at once, and the wait otherwise.",
    ]
    out = Path(os.environ.get("BENCH_OUTPUT", ROOT / "bench" / "results-sign-in.md"))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
