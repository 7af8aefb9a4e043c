"""Every absolute URL that leaves the site (feeds, mail, sign-in redirects) is built from
PUBLIC_URL, never from the request.

A request's Host header (and X-Forwarded-Host) is whatever its sender wrote: a link built from
it in a feed or a page that is cached and shared hands every reader a link to the sender's
site. PUBLIC_URL is the site's own address, set by the operator.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values, _external=True)``, with PUBLIC_URL as scheme, host and
    path prefix. The url_defaults hooks apply as in url_for (an English feed links English
    pages)."""
    return absolute_url_builder()(endpoint, **values)


def absolute_url_builder() -> Callable[..., str]:
    """``absolute_url`` for a response with many links (the API's list of 5,000 measures):
    binds the URL map to PUBLIC_URL once, not once per link."""
    site = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme
    )

    def build(endpoint: str, **values) -> str:
        current_app.inject_url_defaults(endpoint, values)
        return adapter.build(endpoint, values, force_external=True)

    return build


def public_host() -> str:
    """PUBLIC_URL's host name, without a port (feed ids are tag URIs: RFC 4151)."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or ""
