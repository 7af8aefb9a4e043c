"""One unit of work per request, for views (commands use ``transaction()`` directly).

``with unit_of_work(shown):`` around the writes commits what the block did, or rolls all of it
back, and turns a ``UserError`` raised inside into the response ``shown`` makes of it, which
ends the request there: the code after the block runs only on success. Views hold no
``try``/``commit``. The error carries how it is shown (``tracker/user_errors.py``: its
``status`` and, when it belongs to one, its form ``field``); ``shown`` says where:

* ``on_form(form, page, field=...)``: on the form the person sent, shown again with the error's
  status; on the error's own field, else on ``field``, else above the form;
* ``flash_and_redirect(url)``: a message on the next page (buttons without a form page);
* ``on_page(render)``: a page of its own (an edit conflict, a used link);
* a dict ``{ErrorClass: shown, ...}``: the first class the error is an instance of decides;
  an error no entry names propagates;
* nothing: every error propagates (a write that cannot be refused).

``refusals_shown(shown)`` is the showing alone, for a block that only reads.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from flask import abort, flash, make_response, redirect
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from tracker.transactions import transaction
from tracker.user_errors import UserError

Shown = Callable[[UserError], ResponseReturnValue]
Refusals = Shown | Mapping[type[UserError], Shown] | None


@contextmanager
def unit_of_work(
    shown: Refusals = None, *, commit_on: tuple[type[BaseException], ...] = ()
) -> Iterator[None]:
    """``commit_on``: refusals whose work is kept all the same (the audit entry of a wrong
    password); they are shown after the commit."""
    with refusals_shown(shown), transaction(commit_on=commit_on):
        yield


@contextmanager
def refusals_shown(shown: Refusals) -> Iterator[None]:
    """Only the showing, for a block that writes nothing (reading a link's token)."""
    try:
        yield
    except UserError as error:
        show = _chosen(shown, error)
        if show is None:
            raise
        # Raised, not returned: a with-block cannot return; Flask sends this response as it is.
        abort(make_response(show(error)))


def _chosen(shown, error: UserError) -> Shown | None:
    if shown is None or callable(shown):
        return shown
    return next((show for kind, show in shown.items() if isinstance(error, kind)), None)


def on_form(form: FlaskForm, page: Callable[[], str], field: str | None = None) -> Shown:
    """The refusal on the form itself: ``page()`` renders the form page again."""

    def show(error: UserError) -> ResponseReturnValue:
        name = error.field or field
        errors = form[name].errors if name else form.form_errors
        errors.append(error.message)
        return make_response(page(), error.status)

    return show


def flash_and_redirect(url: str, category: str = "error") -> Shown:
    def show(error: UserError) -> ResponseReturnValue:
        flash(str(error.message), category)
        return redirect(url)

    return show


def on_page(render: Callable[[UserError], str]) -> Shown:
    def show(error: UserError) -> ResponseReturnValue:
        return make_response(render(error), error.status)

    return show
