"""The one rule every new password must meet, wherever it is chosen (the CLI, the admin form,
changing one's own, invitations and resets): ``password_problem``.

Strength is estimated by zxcvbn (Dropbox's estimator, maintained, with dictionaries of common
passwords, names and words, keyboard walks, repeats, sequences and dates), given the person's own
e-mail address and name, Norwegian words its English dictionaries lack, and the words of the
service and of the plan itself (its title, period, areas, ministries and measures, from the plan
file), so that "ola.nordmann@…2026", "Sommerferie2026!" or "Handlingsplan-2024-2027" counts as
the guess it is. The password is judged as NFKC-normalised (full-width "Ｐａｓｓｏｒｄ" is
"Passord"). Characters no one can see (spaces, zero-width and other format characters) do not
count towards the length.
"""

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import lazy_gettext
from zxcvbn import zxcvbn

from tracker.resources import SEED_FILE

MINIMUM_PASSWORD_LENGTH = 12
MAXIMUM_PASSWORD_LENGTH = 1000
# zxcvbn's cost grows quickly with length; what follows 64 visible characters of a password
# that is already hard to guess cannot make it easier to guess.
ESTIMATED_PREFIX = 64
# zxcvbn's top score: at least 10^10 guesses, out of reach of an online attack under the sign-in
# throttle and costly offline against scrypt. Score 3 let "Sommer2024!!!" (10^8) through.
MINIMUM_SCORE = 4
# Norwegian words people build passwords from, which zxcvbn's dictionaries do not hold.
NORWEGIAN_WORDS = (
    "passord hemmelig velkommen hallo heisann sommer vinter høst vår januar februar mars april "
    "mai juni juli august september oktober november desember mandag fredag lørdag søndag "
    "norge norsk oslo bergen trondheim stavanger tromsø fotball håndball jegelskerdeg "
    "elskerdeg kjærlighet regjeringen departement departementet tiltak handlingsplan rasisme "
    "diskriminering rapport tracker sommerferie vinterferie høstferie påskeferie juleferie ferie "
    "jul påske statusoversikt statusoversikten statusoppfølging statusoppfølgingen statusverktøy "
    "statusverktøyet status "
    "midtveisrapport midtveisrapporten rapportering kontaktperson koordinator innsats"
).split()
# Every space separator, plus format characters (zero-width space, joiners, bidi controls).
_INVISIBLE = {"Zs", "Zl", "Zp", "Cf", "Cc", "Mn"}


def visible_characters(password: str) -> str:
    return "".join(char for char in password if unicodedata.category(char) not in _INVISIBLE)


def password_problem(password: str, email: str = "", name: str = ""):
    """What is wrong with ``password`` as a new password for the person with this ``email`` and
    ``name``, in words for them; None if nothing."""
    # Compatibility forms (full-width letters, ligatures, superscript digits) are the letters
    # they look like: a guesser types those.
    password = unicodedata.normalize("NFKC", password)
    visible = visible_characters(password)
    if len(visible) < MINIMUM_PASSWORD_LENGTH:
        if len(password) >= MINIMUM_PASSWORD_LENGTH:
            return lazy_gettext(
                "Passordet må ha minst %(n)d tegn som synes; mellomrom og usynlige tegn "
                "teller ikke.",
                n=MINIMUM_PASSWORD_LENGTH,
            )
        return lazy_gettext("Passordet må ha minst %(n)d tegn.", n=MINIMUM_PASSWORD_LENGTH)
    if len(password) > MAXIMUM_PASSWORD_LENGTH:
        return lazy_gettext("Passordet kan ha høyst %(n)d tegn.", n=MAXIMUM_PASSWORD_LENGTH)
    estimate = zxcvbn(visible[:ESTIMATED_PREFIX], user_inputs=personal_words(email, name))
    if estimate["score"] < MINIMUM_SCORE:
        return lazy_gettext(
            "Dette passordet er lett å gjette (for eksempel vanlige ord og passord, gjentakelser, "
            "tastaturrekker, årstall eller ditt eget navn og din e-postadresse). Velg et annet, "
            "gjerne flere tilfeldige ord satt sammen."
        )
    return None


def personal_words(email: str, name: str) -> list[str]:
    """What an attacker who knows the person would try first, for zxcvbn's user dictionary."""
    email = (email or "").strip().lower()
    local, _at, domain = email.partition("@")
    parts = [email, local, domain, (name or "").strip().lower()]
    parts += re.split(r"[\W_]+", local) + re.split(r"[\W_]+", domain)
    parts += (name or "").lower().split()
    return [part for part in dict.fromkeys(parts) if len(part) >= 2] + service_words()


def service_words() -> list[str]:
    """The Norwegian words and the plan's own words, for zxcvbn's user dictionary."""
    path = current_app.config["SEED_PATH"] if has_app_context() else str(SEED_FILE)
    return NORWEGIAN_WORDS + list(_plan_words(str(path)))


# A span of years as the plan writes it ("2024–2027"), and how people type it.
_YEAR_SPAN = re.compile(r"((?:19|20)\d\d)\s*[–—-]\s*((?:19|20)\d\d)")


@lru_cache(maxsize=4)
def _plan_words(path: str) -> tuple[str, ...]:
    """Words of three letters or more from the plan file's title, period, areas, ministries and
    measure titles; its spans of years in the ways they are typed. Nothing when unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        plan = data.get("plan", {})
        texts = [str(plan.get("title", "")), str(plan.get("period", ""))]
        texts += [str(area.get("name", "")) for area in data.get("areas", [])]
        for ministry in data.get("ministries", []):
            texts += [str(ministry.get("name", "")), str(ministry.get("abbreviation", ""))]
        texts += [str(measure.get("title", "")) for measure in data.get("measures", [])]
    except (OSError, ValueError, AttributeError, TypeError):
        return ()
    words: list[str] = []
    for text in texts:
        words += [word for word in re.split(r"[\W_]+", text.lower()) if len(word) >= 3]
        for first, last in _YEAR_SPAN.findall(text):
            words += [f"{first}-{last}", f"{first}–{last}", f"{first}{last}", first, last]
    return tuple(dict.fromkeys(words))
