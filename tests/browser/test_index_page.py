"""A real browser opens the first page."""

import pytest

pytestmark = pytest.mark.browser

AREAS = ["Arbeidsliv", "Ungdom", "Lokalt arbeid", "Mer kunnskap", "Styrket innsats"]


def test_first_page_shows_the_measures_by_area(page, live_server, seeded):
    page.goto(live_server + "/")
    assert page.locator("section.area h3").all_inner_texts() == AREAS
    measure_rows = page.locator("section.area tbody tr")
    assert measure_rows.count() == 50
    first_row = measure_rows.first.inner_text()
    assert "Kampanje mot diskriminering i arbeidslivet" in first_row
    assert "Pågående" in first_row


def test_chart_is_drawn_from_the_table(page, live_server, seeded):
    page.goto(live_server + "/")
    chart = page.locator(".status-chart")
    chart.locator(".main-svg").first.wait_for()
    assert chart.is_visible()
    # One bar segment per area and status that has measures (the zero cells draw nothing).
    assert chart.locator(".bars .point").count() == 15
    texts = chart.locator(".bars .point text").all_text_contents()
    assert sorted(int(t) for t in texts if t) == sorted([5, 9, 2, 4, 11, 2, 1, 8, 4, 1, 3])
    legend = " ".join(chart.locator(".legendtext").all_text_contents())
    assert "Gjennomført" in legend and "Pågående" in legend and "Ikke igangsatt" in legend


def test_without_javascript_the_table_carries_every_number(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    assert not page.locator(".status-chart").is_visible()
    table = page.locator("#status-per-area")
    assert table.is_visible()
    cells = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    assert cells == [
        ["5", "9", "2", "16"],
        ["4", "11", "2", "17"],
        ["1", "8", "0", "9"],
        ["0", "4", "1", "5"],
        ["3", "0", "0", "3"],
    ]
    assert table.locator("tfoot").inner_text().split() == [
        "Totalt",
        "13",
        "(26",
        "%)",
        "32",
        "(64",
        "%)",
        "5",
        "(10",
        "%)",
        "50",
    ]
    context.close()
