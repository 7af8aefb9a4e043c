"""The app's own rules, checked on an import after the types: what the forms and operations
would never have written must not come in through a file either.

A round slug with a line break made /data/tiltak.csv answer 500 for everyone (it goes into a
header); an "md5$…" password hash made that user's sign-in a 500, and a costly one
("pbkdf2:sha256:100000000$…", "scrypt:1048576:…") held it for 25 seconds; an outbox row with a
line break in its subject or two addresses as recipient stopped every run of the sender; two
open rounds or two e-mails differing only in case break what the workflow assumes. Each problem
is in Norwegian and names the table, the row and the field, like the type checks.
"""

import re
from functools import lru_cache

from flask_babel import gettext as _

from tracker.auth.emails import email_problem
from tracker.auth.operations import hash_password
from tracker.mail.messages import ENCODED_WORD_START
from tracker.reporting.operations import SLUG
from tracker.reporting.states import RoundState
from tracker.reporting.titles import round_title_problem
from tracker.results.backup_rules import evidence_problems

# What tracker.auth.operations.hash_password writes: the method with its cost parameters, a
# salt of 16 letters and digits, and 64 bytes of hash in hex.
_HASH_PARTS = re.compile(r"\A(?P<method>[a-z0-9:]+)\$[A-Za-z0-9]{16}\$[0-9a-f]{128}\Z")


# What queue_message never writes into a subject: a header is one line of text.
_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@lru_cache(maxsize=1)
def written_hash_method() -> str:
    """The method and cost the app writes now, e.g. "scrypt:32768:8:1"."""
    return hash_password("probe").split("$", 1)[0]


def rule_problems(rows: dict[str, list[dict]]) -> list[str]:
    problems: list[str] = []
    _check_rounds(rows.get("reporting_rounds", []), problems)
    _check_measure_areas(rows.get("measures", []), rows.get("areas", []), problems)
    _check_users(rows.get("users", []), problems)
    _check_outbox(rows.get("mail_messages", []), problems)
    problems += evidence_problems(rows.get("evidence", []), _where)
    return problems


def _where(table: str, index: int) -> str:
    return _("tabellen «%(table)s», rad %(row)d", table=table, row=index)


def _check_rounds(rounds: list[dict], problems: list[str]) -> None:
    open_rounds: dict[object, list[str]] = {}
    for index, row in enumerate(rounds, start=1):
        slug = row.get("slug")
        if isinstance(slug, str) and not SLUG.match(slug):
            problems.append(
                _(
                    "%(where)s: feltet «slug» kan bare ha små bokstaver a–z, tall og bindestrek "
                    "(ikke mellomrom eller linjeskift).",
                    where=_where("reporting_rounds", index),
                )
            )
        title = row.get("title")
        if isinstance(title, str) and round_title_problem(title) is not None:
            problems.append(
                _(
                    "%(where)s: feltet «title» må stå på én linje og kan ikke inneholde «=?» "
                    "(det havner i emnefeltet i e-post).",
                    where=_where("reporting_rounds", index),
                )
            )
        if row.get("state") == RoundState.OPEN.value:
            open_rounds.setdefault(row.get("plan_id"), []).append(str(slug))
    for plan_id, slugs in open_rounds.items():
        if len(slugs) > 1:
            problems.append(
                _(
                    "Tabellen «reporting_rounds»: bare én rapporteringsrunde per plan kan være "
                    "åpen, men filen har %(count)d åpne i planen med id %(plan)s (%(slugs)s).",
                    count=len(slugs),
                    plan=plan_id,
                    slugs=", ".join(slugs),
                )
            )


def _check_measure_areas(measures: list[dict], areas: list[dict], problems: list[str]) -> None:
    """A measure's area is one of its own plan's (the database cannot say so by itself)."""
    plan_of_area = {row.get("id"): row.get("plan_id") for row in areas}
    for index, row in enumerate(measures, start=1):
        area_plan = plan_of_area.get(row.get("area_id"))
        if area_plan is not None and area_plan != row.get("plan_id"):
            problems.append(
                _(
                    "%(where)s: tiltaket hører til planen med id %(plan)s, men hovedområdet "
                    "(id %(area)s) hører til en annen plan.",
                    where=_where("measures", index),
                    plan=row.get("plan_id"),
                    area=row.get("area_id"),
                )
            )


def _check_users(users: list[dict], problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for index, row in enumerate(users, start=1):
        where = _where("users", index)
        email = row.get("email")
        if isinstance(email, str):
            if email_problem(email) is not None:
                problems.append(
                    _(
                        "%(where)s: feltet «email» er ikke en gyldig e-postadresse.",
                        where=where,
                    )
                )
            folded = email.strip().lower()
            if folded in seen:
                problems.append(
                    _(
                        "%(where)s: e-postadressen er den samme som i rad %(other)d (store og små "
                        "bokstaver teller ikke); hver bruker må ha sin egen.",
                        where=where,
                        other=seen[folded],
                    )
                )
            seen.setdefault(folded, index)
        password_hash = row.get("password_hash")
        if isinstance(password_hash, str) and not _written_by_tracker(password_hash):
            problems.append(
                _(
                    "%(where)s: feltet «password_hash» er ikke en passordhash tracker kan sjekke "
                    "(tracker skriver %(method)s$<salt>$<hash>, og godtar ikke andre metoder "
                    "eller kostnader).",
                    where=where,
                    method=written_hash_method(),
                )
            )


def _written_by_tracker(password_hash: str) -> bool:
    parts = _HASH_PARTS.match(password_hash)
    return parts is not None and parts.group("method") == written_hash_method()


def _check_outbox(messages: list[dict], problems: list[str]) -> None:
    """Rows the sender can turn into e-mail, as the app's own queue_message writes them."""
    for index, row in enumerate(messages, start=1):
        where = _where("mail_messages", index)
        recipient = row.get("recipient")
        if isinstance(recipient, str) and email_problem(recipient) is not None:
            problems.append(
                _(
                    "%(where)s: feltet «recipient» må være én gyldig e-postadresse.",
                    where=where,
                )
            )
        subject = row.get("subject")
        if isinstance(subject, str) and (
            _LINE_BREAK_OR_CONTROL.search(subject) or ENCODED_WORD_START in subject
        ):
            problems.append(
                _(
                    "%(where)s: feltet «subject» må stå på én linje og kan ikke inneholde «=?».",
                    where=where,
                )
            )
        unsubscribe = row.get("unsubscribe_url")
        # It goes into the List-Unsubscribe header as <url>.
        if isinstance(unsubscribe, str) and (
            _LINE_BREAK_OR_CONTROL.search(unsubscribe)
            or not unsubscribe.startswith(("https://", "http://"))
            or any(character in unsubscribe for character in "<> ,")
        ):
            problems.append(
                _(
                    "%(where)s: feltet «unsubscribe_url» må være én adresse som begynner med "
                    "https://.",
                    where=where,
                )
            )
