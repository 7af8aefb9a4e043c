"""Issue 23: on the public pages dates and the plan period never part at a line's end."""

from tests.support.public_helpers import PLAN_ONE
from tracker.typography import NO_BREAK_SPACE, WORD_JOINER


def test_public_dates_and_the_plan_period_stay_on_one_line(client, seeded):
    text = client.get(PLAN_ONE + "/").get_data(as_text=True)
    assert f"2024{WORD_JOINER}–{WORD_JOINER}2027" in text  # «Planperiode: 2024–2027.»
    assert f"oktober{NO_BREAK_SPACE}2026" in text or f"juni{NO_BREAK_SPACE}20" in text
    plans = client.get("/planer/").get_data(as_text=True)
    assert f"2024{WORD_JOINER}–{WORD_JOINER}2027" in plans
