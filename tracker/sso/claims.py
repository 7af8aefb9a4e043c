"""Which e-mail address an ID token vouches for.

Only ``email`` counts, and only when the provider says it verified it: ``email_verified`` (or
Entra ID's ``xms_edov``, "the domain owner vouches for this address") must be the JSON value
``true``. A string "false" is truthy in Python and was taken as a yes; ``preferred_username`` and
``upn`` are names the person or a tenant administrator can set to anything that looks like an
address, so they never find an account.

The address is compared after the same normalisation the accounts use
(``tracker.auth.queries.normalise_email``). A character that this normalisation, or Unicode's
compatibility mapping, turns into another one (the Kelvin sign U+212A lower-cases to "k",
full-width letters fold to ASCII) would let a provider-verified look-alike match someone
else's account, so such an address is refused outright.
"""

import re
import unicodedata

from tracker.auth.queries import normalise_email

EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Each of these, when the token has it, must be JSON true for `email` to count.
VERIFIED_FLAGS = ("email_verified", "xms_edov")
MAXIMUM_LENGTH = 254


def verified_email(claims: dict) -> str | None:
    """The normalised `email` the provider vouches for; None when there is none, it is not
    verified, or it is not a plain address."""
    flags = [claims[name] for name in VERIFIED_FLAGS if name in claims]
    if not flags or not all(flag is True for flag in flags):
        return None
    value = claims.get("email")
    if not isinstance(value, str):
        return None
    address = value.strip()
    if len(address) > MAXIMUM_LENGTH or not EMAIL_SHAPE.match(address) or disguised(address):
        return None
    return normalise_email(address)


def disguised(address: str) -> bool:
    """Whether ``address`` holds a character that normalising turns into a different one:
    a look-alike that could pass for another address once lower-cased."""
    for char in address:
        if char.isascii():
            continue
        lowered = char.lower()
        if unicodedata.normalize("NFKC", char) != char or any(c.isascii() for c in lowered):
            return True
        if unicodedata.normalize("NFKC", lowered) != lowered:
            return True
    return False
