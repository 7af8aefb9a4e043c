"""Single sign-on with OpenID Connect: the ministry's own account (Entra ID, Ansattporten) signs
a person in to the account an administrator made for them. Off unless OIDC_ISSUER is set."""
