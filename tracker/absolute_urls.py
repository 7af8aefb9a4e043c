"""Every absolute URL that leaves the site (feeds, mail, sign-in redirects) is built from
PUBLIC_URL, never from the request.

A request's Host header (and X-Forwarded-Host) is whatever its sender wrote: a link built from
it in a feed or a page that is cached and shared hands every reader a link to the sender's
site. PUBLIC_URL is the site's own address, set by the operator.
"""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)``, with PUBLIC_URL as scheme, host and
    path prefix. The url_defaults hooks apply as in url_for (an English feed links English
    pages)."""
    current_app.inject_url_defaults(endpoint, values)
    site = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """PUBLIC_URL's host name, without a port (feed ids are tag URIs: RFC 4151)."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or ""
