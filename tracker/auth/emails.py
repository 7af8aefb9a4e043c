"""The one check for an e-mail address stored on an account, used by every way one is written
(the admin form, ``flask users create``, ``flask data import``).

A loose pattern let "k@aid.no?bcc=…" through, which put a hidden Bcc into every "mailto:" link
to that person. email-validator parses the address as RFC 5322/6531 say, without asking DNS.
RFC 5322 also allows "%", "?", "&" and "#" in the part before the @, where a mailto: link reads
them as an escape ("kari%40evil.example@…" is kari@evil.example), a header field or a fragment;
no ministry address has them, so they are refused too (and templates encode every mailto: link,
tracker/templating.py).
"""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext

# Characters of an address that a mailto: link would read as something else.
MAILTO_SPECIAL = frozenset("%?&#")


def email_problem(address: str):
    """Why ``address`` cannot be an account's e-mail, in words for the user; None if it can."""
    try:
        validate_email(address, check_deliverability=False)
        if MAILTO_SPECIAL.intersection(address):
            raise EmailNotValidError("a character a mailto: link reads as syntax")
    except EmailNotValidError:
        return lazy_gettext(
            "Dette ser ikke ut som en e-postadresse. Skriv den på formen navn@departement.dep.no."
        )
    return None
