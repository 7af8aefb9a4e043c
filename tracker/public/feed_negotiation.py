"""Whether a request for a feed gets the Atom document or a readable page about it.

Browsers ask for text/html first; feed readers ask for Atom (or for anything). The answer is
part of the public page cache's key (replay.page_key), so a reader never gets a browser's page
from the cache, nor the other way round.
"""

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

FEED_SUFFIX = ".atom"
ATOM = "application/atom+xml"
HTML = "text/html"


# Browsers and readers send a handful of distinct values.
@lru_cache(maxsize=256)
def prefers_html(accept: str | None) -> bool:
    """True when the client ranks text/html above Atom (a browser); no header means Atom."""
    if not accept:
        return False
    return parse_accept_header(accept, MIMEAccept).best_match([ATOM, HTML]) == HTML


def negotiated(environ) -> str:
    """The part of the cache key for this request's representation: empty unless a feed."""
    if not environ.get("PATH_INFO", "").endswith(FEED_SUFFIX):
        return ""
    return HTML if prefers_html(environ.get("HTTP_ACCEPT")) else ATOM
