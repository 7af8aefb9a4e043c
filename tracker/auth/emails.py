"""The one check for an e-mail address stored on an account, used by every way one is written
(the admin form, ``flask users create``, ``flask data import``).

A loose pattern let "k@aid.no?bcc=…" through, which put a hidden Bcc into every "mailto:" link
to that person. email-validator parses the address as RFC 5322/6531 say, without asking DNS.
"""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext


def email_problem(address: str):
    """Why ``address`` cannot be an account's e-mail, in words for the user; None if it can."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return lazy_gettext(
            "Dette ser ikke ut som en e-postadresse. Skriv den på formen navn@departement.dep.no."
        )
    return None
