"""Which e-mail address an ID token vouches for."""

import re

EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Entra ID puts the address in `email` when the account has a mailbox, and otherwise only in
# `preferred_username` (v2.0 tokens) or `upn` (v1.0 tokens), which a tenant's own domain backs.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")


def verified_email(claims: dict) -> str | None:
    """The first address-shaped value of EMAIL_CLAIMS, lower-cased; None when there is none.

    An `email` the provider says it has not verified (`email_verified` false, or Entra ID's
    `xms_edov` false: the domain owner did not vouch for it) is passed over.
    """
    for name in EMAIL_CLAIMS:
        if name == "email" and (
            claims.get("email_verified") is False or claims.get("xms_edov") is False
        ):
            continue
        value = claims.get(name)
        if isinstance(value, str) and EMAIL_SHAPE.match(value.strip()):
            return value.strip().lower()[:254]
    return None
