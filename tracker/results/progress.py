"""How far an indicator has come, as a sentence («42 av 60, 70 % av målet»): the public page
and the report say it the same way. No Flask in here: the page passes its gettext, the DOCX
(written in Norwegian) takes the sentence as it is."""

from collections.abc import Callable

from tracker.results.models import Direction, Indicator
from tracker.results.numbers import format_number
from tracker.text import N_

OF_TARGET = N_("%(value)s av %(target)s, %(percent)d %% av målet")
LOWER_NO_BASELINE = N_("%(value)s, målet er %(target)s eller lavere")
LOWER_OF_THE_WAY = N_("%(value)s, målet er %(target)s: %(percent)d %% av veien fra %(baseline)s")


def _as_is(message: str) -> str:
    return message


def progress_sentence(
    indicator: Indicator, latest: float | None, translate: Callable[[str], str] = _as_is
) -> str:
    """Empty when there is no value or no target to measure it against."""
    target = indicator.target_value
    if latest is None or target is None:
        return ""
    values = {"value": format_number(latest), "target": format_number(target)}
    if indicator.direction == Direction.HIGHER:
        if target == 0:
            return ""
        return translate(OF_TARGET) % (values | {"percent": round(100 * latest / target)})
    baseline = indicator.baseline_value
    if baseline is None or baseline == target:
        return translate(LOWER_NO_BASELINE) % values
    percent = round(100 * (baseline - latest) / (baseline - target))
    return translate(LOWER_OF_THE_WAY) % (
        values | {"percent": percent, "baseline": format_number(baseline)}
    )
