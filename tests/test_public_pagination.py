"""The public list of measures in pages of a hundred: a plan of 50 keeps its single page; a long
plan's pages keep the reader's filters; a page that does not exist is said in Norwegian."""

import re

from tests.support.public_helpers import PLAN_ONE, load_synthetic_plan


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/planer/[^/"]+/tiltak/(\d+)"', html)]


def test_the_plan_with_fifty_measures_keeps_its_single_page(client, seeded):
    html = client.get(PLAN_ONE + "/tiltak").get_data(as_text=True)
    assert numbers(html) == list(range(1, 51))
    assert "50 tiltak" in html and "Neste side" not in html and "side 1 av" not in html


def test_a_long_list_comes_in_pages_that_keep_the_filter(client, app):
    load_synthetic_plan(250)
    first = client.get(PLAN_ONE + "/tiltak?omrade=omrade-1").get_data(as_text=True)
    assert "50 tiltak passer filteret" in first  # every fifth measure is in area 1
    everything = client.get(PLAN_ONE + "/tiltak").get_data(as_text=True)
    assert "250 tiltak – side 1 av 3" in everything
    assert numbers(everything) == list(range(1, 101))
    following = re.search(r'rel="next" href="([^"]+)"', everything).group(1)
    second = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert numbers(second) == list(range(101, 201)) and 'rel="prev"' in second
    searched = client.get(PLAN_ONE + "/tiltak?q=tiltak&side=2").get_data(as_text=True)
    assert "250 tiltak passer filteret – side 2 av 3" in searched
    onward = re.search(r'rel="next" href="([^"]+)"', searched).group(1)
    assert "q=tiltak" in onward and "side=3" in onward


def test_a_page_that_does_not_exist_shows_the_first_with_a_norwegian_message(client, seeded):
    for value, message in (("9", "Listen har ikke så mange sider"), ("x", "Fant ikke side «x»")):
        html = client.get(f"{PLAN_ONE}/tiltak?side={value}").get_data(as_text=True)
        assert message in html and numbers(html) == list(range(1, 51))


def test_a_long_plans_front_page_and_unit_pages_stay_small(client, app):
    load_synthetic_plan(1000)
    front = client.get(PLAN_ONE + "/").get_data(as_text=True)
    assert numbers(front) == []  # no table of every measure
    assert re.search(r'href="[^"]*/tiltak\?omrade=omrade-1">Område 1</a>: 200 tiltak', front)
    unit = client.get(PLAN_ONE + "/enheter/D3").get_data(as_text=True)
    count = int(re.search(r"D3 har ansvar for (\d+) tiltak", unit).group(1))
    assert count > 100 and len(numbers(unit)) == 100
    onward = re.search(r'rel="next" href="([^"]+)"', unit).group(1)
    assert len(numbers(client.get(onward.replace("&amp;", "&")).get_data(as_text=True))) > 0
    assert client.get(PLAN_ONE + "/enheter/D3?side=x").status_code == 302


def test_a_long_plans_feed_lists_a_hundred_changes_an_entry_and_counts_the_rest(client, app):
    load_synthetic_plan(1000)
    feed = client.get(PLAN_ONE + "/feed.atom").get_data(as_text=True)
    assert feed.count("Tiltak ") >= 100
    assert feed.count("/tiltak/") == 100
    assert "… og 900 tiltak til. Se alle tiltakene." in feed
