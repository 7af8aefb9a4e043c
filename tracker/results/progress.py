"""How far an indicator has come, as a sentence («42 av 60, 70 % av målet»): the public page
and the report say it the same way."""

from flask_babel import gettext as _

from tracker.results.models import Direction, Indicator
from tracker.results.parsing import format_number


def progress_sentence(indicator: Indicator, latest: float | None) -> str:
    """Empty when there is no value or no target to measure it against."""
    target = indicator.target_value
    if latest is None or target is None:
        return ""
    value_text, target_text = format_number(latest), format_number(target)
    if indicator.direction == Direction.HIGHER:
        if target == 0:
            return ""
        return _(
            "%(value)s av %(target)s, %(percent)d %% av målet",
            value=value_text,
            target=target_text,
            percent=round(100 * latest / target),
        )
    baseline = indicator.baseline_value
    if baseline is None or baseline == target:
        return _(
            "%(value)s, målet er %(target)s eller lavere", value=value_text, target=target_text
        )
    return _(
        "%(value)s, målet er %(target)s: %(percent)d %% av veien fra %(baseline)s",
        value=value_text,
        target=target_text,
        baseline=format_number(baseline),
        percent=round(100 * (baseline - latest) / (baseline - target)),
    )
