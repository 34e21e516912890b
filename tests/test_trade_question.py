"""The draft asks which trade a post is when the reading is unsure; no trade → staff review."""

from __future__ import annotations

import pytest

from handlers.texts import t
from matching.engine import Matcher
from models.posting import PostingStatus
from models.values import Role
from tests.chat_helpers import Chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

HOTEL = "招夜班前台1名，和平区，办入住退房，月薪4000，电话13800005555"
HARVEST = "西青区帮着收玉米装袋，招6人，干三天，一天200，电话13800009999"


@pytest.fixture
async def live(services, encoder, tmp_path):
    services.matcher = await Matcher.open(services.db, encoder, tmp_path, phrases=t)
    return services


async def only_posting(chat: Chat):
    postings = await chat.services.postings.by_poster(await chat.user_id())
    assert len(postings) == 1
    return postings[0]


async def test_an_unsure_trade_is_asked_once_and_a_typed_number_answers(live):
    boss = Chat(live, "boss")
    await boss.say(HOTEL)
    question = boss.last[-1]
    assert "这是哪类活" in question.text
    assert "工种不确定" in boss.text  # the card shows the doubt too
    labels = [c.label for c in question.choices]
    hotel = next(n for n, label in enumerate(labels, start=1) if "酒店" in label)
    await boss.say(str(hotel))
    assert await boss.step() == "confirm"
    assert "工种不确定" not in boss.text
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    assert posting.categories[0] == "L"
    assert posting.status == PostingStatus.PUBLISHED


async def test_the_trade_button_answers_the_question(live):
    boss = Chat(live, "boss")
    await boss.say(HOTEL)
    await boss.tap("酒店")
    assert await boss.step() == "confirm"
    await boss.say("确认")
    assert (await only_posting(boss)).categories[0] == "L"


async def test_a_named_trade_answers_too_and_nonsense_is_asked_again(live):
    boss = Chat(live, "boss")
    await boss.say(HOTEL)
    await boss.say("不知道")
    assert "没看懂" in boss.text
    await boss.say("保洁")
    assert await boss.step() == "confirm"
    await boss.say("确认")
    assert (await only_posting(boss)).categories[0] == "A"


async def test_a_post_with_no_readable_trade_waits_for_review(live):
    boss = Chat(live, "boss")
    await boss.say(HARVEST)
    assert "这是哪类活" in boss.last[-1].text
    await boss.say("确认")  # publish as it is: the trade stays unknown
    await boss.tap("确认发布")
    assert "没看出是哪类活" in boss.text
    posting = await only_posting(boss)
    assert posting.categories == ()
    assert posting.status == PostingStatus.PENDING
    cw = Chat(live, "cw")
    await cw.say("帮助")
    await live.users.set_role(await cw.user_id(), Role.CASEWORKER, district="西青区")
    await cw.say("待审核")
    assert f"工种未识别：先“编辑岗位 {posting.id} 类别" in cw.text
    await cw.say(f"编辑岗位 {posting.id} 类别 农林牧渔")
    edited = await live.postings.get(posting.id or 0)
    assert edited is not None
    assert edited.categories[0] == "P"


async def test_answering_the_question_publishes_a_post_that_had_no_trade(live):
    boss = Chat(live, "boss")
    await boss.say(HARVEST)
    labels = [c.label for c in boss.last[-1].choices]
    farm = next(n for n, label in enumerate(labels, start=1) if "农林" in label)
    await boss.say(str(farm))
    await boss.say("确认")
    posting = await only_posting(boss)
    assert posting.categories == ("P",)
    assert posting.status == PostingStatus.PUBLISHED


async def test_a_caseworker_relay_shows_the_doubt(live):
    cw = Chat(live, "cw")
    await cw.say("帮助")
    await live.users.set_role(await cw.user_id(), Role.CASEWORKER, district="和平区")
    await cw.say("转发 和平零工群\n" + HOTEL)
    assert "工种不确定" in cw.text
    assert "这是哪类活" in cw.last[-1].text


async def test_without_the_model_a_post_without_trade_words_is_held(services):
    boss = Chat(services, "boss")
    await boss.say(HARVEST)
    assert "没看出是哪类活" in boss.text  # the card says so up front
    await boss.say("确认")
    posting = await only_posting(boss)
    assert posting.status == PostingStatus.PENDING
