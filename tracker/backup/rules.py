"""The app's own rules, checked on an import after the types: what the forms and operations
would never have written must not come in through a file either.

A round slug with a line break made /data/tiltak.csv answer 500 for everyone (it goes into a
header); an "md5$…" password hash made that user's sign-in a 500; two open rounds or two
e-mails differing only in case break what the workflow assumes. Each problem is in Norwegian
and names the table, the row and the field, like the type checks.
"""

from flask_babel import gettext as _

from tracker.auth.emails import email_problem
from tracker.reporting.operations import SLUG
from tracker.reporting.states import RoundState

# What werkzeug.security.check_password_hash can check: "scrypt:n:r:p$salt$hash" or
# "pbkdf2:sha256:n$salt$hash". Anything else raised inside the sign-in.
PASSWORD_HASH_SCHEMES = ("scrypt", "pbkdf2")


def rule_problems(rows: dict[str, list[dict]]) -> list[str]:
    problems: list[str] = []
    _check_rounds(rows.get("reporting_rounds", []), problems)
    _check_measure_areas(rows.get("measures", []), rows.get("areas", []), problems)
    _check_users(rows.get("users", []), problems)
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
        if isinstance(password_hash, str) and not _checkable(password_hash):
            problems.append(
                _(
                    "%(where)s: feltet «password_hash» er ikke en passordhash tracker kan sjekke "
                    "(støttet: %(schemes)s).",
                    where=where,
                    schemes=", ".join(PASSWORD_HASH_SCHEMES),
                )
            )


def _checkable(password_hash: str) -> bool:
    method, *rest = password_hash.split("$")
    return method.split(":", 1)[0] in PASSWORD_HASH_SCHEMES and len(rest) == 2 and all(rest)
