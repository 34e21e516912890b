"""Asking for jobs (issue 13): 找工作 / 有啥活没 / /jobs, 换一批, and the bulk seeker import."""

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from bot.cli import app
from handlers.texts import t
from matching.engine import Matcher
from models.messages import Location
from models.values import Pay, PayUnit
from tests.chat_helpers import Chat
from tests.delivery_builders import make_seeker
from tests.test_engine import add_postings, make_posting


@pytest.fixture
async def live(services, encoder, tmp_path, clock):
    """Services with the real matcher over the hand-written postings, plus more cleaning
    gigs in 西青 so there is a second page, and one in 深圳 outside the service area."""
    now = clock()
    await add_postings(services.db, now)
    for n in range(6):
        extra = make_posting(
            f"t-clean{n}", f"写字楼保洁{n}", f"西青区写字楼保洁，日结{180 + n * 10}元", ("A",),
            "西青区", Pay(180 + n * 10, None, PayUnit.DAY, period="日结"), now,
            published_at=now - timedelta(hours=2 + n),
        )  # fmt: skip
        await services.postings.add(extra, now)
    far = make_posting(
        "t-shenzhen", "保洁员", "深圳市南山区科技园写字楼保洁，日结300元", ("A",), "南山区",
        Pay(300, None, PayUnit.DAY, period="日结"), now, address="深圳市南山区科技园",
    )  # fmt: skip
    await services.postings.add(far, now)
    services.matcher = await Matcher.open(services.db, encoder, tmp_path, phrases=t)
    return services


async def seeker_chat(services, name="ayi", **fields):
    """A seeker with a completed profile, and a chat as them."""
    user_id = await make_seeker(services, name, **fields)
    await services.matcher.seeker_changed(user_id)
    return Chat(services, name)


@pytest.mark.parametrize("words", ["找工作", "有啥活没", "/jobs", "推荐工作"])
async def test_asking_for_jobs_shows_five_fitting_cards_then_more(live, words):
    chat = await seeker_chat(
        live, categories=("A",), districts=("西青区",), pay=Pay(150, None, PayUnit.DAY)
    )
    replies = await chat.say(words)
    cards = [r for r in replies if any(c.payload.endswith(":interested") for c in r.choices)]
    assert len(cards) == 5
    assert all("保洁" in c.text or "保姆" in c.text for c in cards)  # trade A only
    assert "深圳" not in chat.text  # outside the service area, never before local jobs
    labels = {c.label for r in cards for c in r.choices}
    assert {"感兴趣", "不感兴趣"} <= labels
    replies = await chat.tap("换一批")
    more = [r for r in replies if any(c.payload.endswith(":interested") for c in r.choices)]
    assert more
    assert not {r.text for r in more} & {r.text for r in cards}


async def test_nothing_fits_explains_what_to_change(live):
    chat = await seeker_chat(
        live, categories=("E",), districts=("蓟州区",), pay=Pay(9000, None, PayUnit.MONTH)
    )
    await chat.say("有啥活")
    assert "修改" in chat.text
    assert not any(c.payload.endswith(":interested") for r in chat.last for c in r.choices)


async def test_jobs_answer_in_english(live):
    chat = await seeker_chat(live, categories=("C",), districts=("南开区",))
    await chat.say("/lang en")
    await chat.say("/jobs")
    assert "Jobs that fit you" in chat.text or "come close" in chat.text


def test_seekers_import_creates_console_seekers_and_reach_prints_bars(tmp_path):
    runner = CliRunner()
    db = tmp_path / "import.db"
    lines = [
        {"user": "imp1", "categories": ["A"], "districts": ["西青区"],
         "pay": {"min": 150, "unit": "day"}, "consent": True},
        {"user": "imp2", "categories": ["C"], "location": {"lat": 39.13, "lon": 117.16},
         "max_km": 10},
        {"user": "bad", "categories": ["Z"]},
    ]  # fmt: skip
    source = tmp_path / "seekers.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    result = runner.invoke(app, ["--db", str(db), "seekers", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "第 3 行" in result.stderr
    shown = runner.invoke(app, ["--db", str(db), "profile", "show", "--user", "imp2", "--json"])
    profile = json.loads(shown.stdout)
    assert (profile["categories"], profile["max_km"]) == (["C"], 10)
    postings = tmp_path / "postings.jsonl"
    postings.write_text(
        json.dumps(
            {
                "id": "p-clean",
                "title": "商场保洁",
                "text": "西青区商场保洁，日结200元",
                "district": "西青区",
                "pay_min": 200,
                "pay_unit": "day",
            },
            ensure_ascii=False,
        )
        + "\n"
    )
    assert runner.invoke(app, ["--db", str(db), "import", str(postings)]).exit_code == 0
    reach = runner.invoke(app, ["--db", str(db), "reach", "--posting", "p-clean", "--json"])
    assert reach.exit_code == 0, reach.output
    rows = [json.loads(line) for line in reach.stdout.splitlines()]
    assert [r["seeker"] for r in rows] == ["console:imp1"]
    assert "trade:category" in rows[0]["bars"]
    assert "place:district" in rows[0]["bars"]


async def test_a_location_seeker_sees_jobs_within_their_distance_first(live):
    chat = await seeker_chat(
        live,
        categories=("A",),
        districts=(),
        location=Location(39.14, 117.01),
        max_km=10.0,
    )
    await chat.say("找工作")
    cards = [r for r in chat.last if any(c.payload.endswith(":interested") for c in r.choices)]
    assert cards
    assert all("西青区" in c.text for c in cards[:5])


def _cards(replies):
    return [r.text for r in replies if any(c.payload.endswith(":interested") for c in r.choices)]


@pytest.mark.backends
async def test_typing_more_shows_the_next_page_until_there_are_no_more(live, clock):
    # Before the fix a typed 换一批 was the 找工作 command: page 1 again, every time.
    chat = await seeker_chat(
        live, categories=("A",), districts=("西青区",), pay=Pay(150, None, PayUnit.DAY)
    )
    first = _cards(await chat.say("找工作"))
    assert len(first) == 5
    seen = set(first)
    pages = 0
    for words in ("换一批", "下一批", "还有吗", "更多", "更多", "更多"):
        cards = _cards(await chat.say(words))
        if not cards:
            break
        assert not set(cards) & seen  # the next page, never one already shown
        seen |= set(cards)
        pages += 1
    assert pages >= 1
    assert "合适的岗位就这些了" in chat.text  # said politely, with the advice line
    assert _cards(await chat.say("更多")) == []  # still none, still polite
    assert "合适的岗位就这些了" in chat.text
    assert _cards(await chat.say("找工作")) == first  # asking again starts over


@pytest.mark.backends
async def test_typed_more_follows_a_tapped_page_and_forgets_after_a_day(live, clock):
    chat = await seeker_chat(
        live, categories=("A",), districts=("西青区",), pay=Pay(150, None, PayUnit.DAY)
    )
    first = _cards(await chat.say("找工作"))
    second = _cards(await chat.tap("换一批"))
    assert second
    third = _cards(await chat.say("更多"))  # after the tapped page 2: page 3 (or none left)
    assert not set(third) & (set(first) | set(second))
    clock.now += timedelta(hours=25)  # a day later the list has changed: start over
    again = _cards(await chat.say("换一批"))
    assert again
    assert again == _cards(await chat.say("找工作"))
