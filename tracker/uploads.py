"""A larger request body for the few views that take files, declared on the view.

The site refuses a body over MAX_CONTENT_LENGTH (1 MB) before anything reads it, CSRF
protection included. A view decorated ``@accepts_upload(n)`` raises that bound to ``n`` bytes
for its own requests only: the request class asks the matched view, so the bound holds from
the first hook on.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import Request, current_app

View = TypeVar("View", bound=Callable)


def accepts_upload(max_bytes: int) -> Callable[[View], View]:
    def mark(view: View) -> View:
        view.max_upload_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


class UploadAwareRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            declared = getattr(view, "max_upload_bytes", None)
            if declared is not None:
                return int(declared)
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
