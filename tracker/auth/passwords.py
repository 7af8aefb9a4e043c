"""The rules a new password must meet: long enough, and not one people commonly pick."""

import re
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext

MINIMUM_PASSWORD_LENGTH = 12
MAXIMUM_PASSWORD_LENGTH = 1000
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# "Sommer2024!" is "sommer" with the decoration people add to pass a rule.
TRAILING_DECORATION = re.compile(r"[\d\W_]+$")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    lowered = password.strip().lower()
    stem = TRAILING_DECORATION.sub("", lowered)
    return lowered in common_passwords() or stem in common_passwords()


def password_problem(password: str):
    """What is wrong with ``password`` as a new password, in words for the user; None if nothing."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        return lazy_gettext("Passordet må ha minst %(n)d tegn.", n=MINIMUM_PASSWORD_LENGTH)
    if len(password) > MAXIMUM_PASSWORD_LENGTH:
        return lazy_gettext("Passordet kan ha høyst %(n)d tegn.", n=MAXIMUM_PASSWORD_LENGTH)
    if is_common(password):
        return lazy_gettext(
            "Dette passordet er blant dem som brukes oftest, og er lett å gjette. "
            "Velg et annet, gjerne flere ord satt sammen."
        )
    return None
