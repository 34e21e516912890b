"""The employer's post through the real router: draft card, questions, edit, confirm, publish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.context import Policy
from models.messages import Location
from models.posting import PostingStatus, Trust
from models.values import PayUnit, Role
from tests.chat_helpers import Chat

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

COMPLETE = "明天西青区搬家，招4人，日结300，电话13920001111 王经理"


async def only_posting(chat: Chat):
    postings = await chat.services.postings.by_poster(await chat.user_id())
    assert len(postings) == 1
    return postings[0]


async def test_a_complete_post_is_shown_and_published_on_confirm(services, clock):
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    assert await boss.step() == "confirm"
    card = boss.text
    assert "搬家" in card
    assert "4 人" in card
    assert "300 元/天（日结）" in card
    assert "西青区" in card
    assert "13920001111" in card
    assert [c.label for c in boss.last[-1].choices] == ["确认发布", "修改", "取消"]

    await boss.tap("确认发布")
    assert "已发布" in boss.text
    assert await boss.state() is None
    posting = await only_posting(boss)
    assert posting.status == PostingStatus.PUBLISHED
    assert posting.trust == Trust.EMPLOYER
    assert posting.original_text == COMPLETE
    assert posting.source == "chat:console"
    assert posting.expires_at == clock() + timedelta(days=services.policy.gig_expiry_days)
    user = await services.users.get(boss.key)
    assert user is not None
    assert user.role == Role.EMPLOYER


async def test_only_missing_essentials_are_asked(services):
    boss = Chat(services, "boss")
    await boss.say("急招保洁阿姨，电话13800005555，李姐")
    assert "哪个区" in boss.last[-1].text
    assert boss.last[-1].request_location
    await boss.say("河西区")
    assert "工资" in boss.last[-1].text
    await boss.say("时薪25")
    assert "几个人" in boss.last[-1].text
    assert boss.last[-1].choices == ()  # WeChat reads a typed "2" as the second button
    await boss.say("2人")
    assert await boss.step() == "confirm"
    await boss.say("确认")
    posting = await only_posting(boss)
    assert (posting.district, posting.headcount) == ("河西区", 2)
    assert (posting.pay.min, posting.pay.unit) == (25, PayUnit.HOUR)


async def test_unclear_answers_are_asked_again_then_left_open(services):
    boss = Chat(services, "boss")
    await boss.say("招搬运工3名，日结260，电话13800006666")
    assert "哪个区" in boss.text
    await boss.say("不知道")
    assert "没看懂" in boss.text
    await boss.say("随便")
    assert await boss.step() == "confirm"  # district left open after two tries
    await boss.say("确认")
    posting = await only_posting(boss)
    assert posting.district is None


async def test_a_shared_location_answers_the_district(services):
    boss = Chat(services, "boss")
    await boss.say("招搬运工3名，日结260，电话13800006667")
    await boss.say(location=Location(39.136, 117.012))  # 杨柳青, Xiqing
    assert await boss.step() == "confirm"
    assert "西青区" in boss.text


async def test_buttons_for_negotiable_pay_and_several_people(services):
    boss = Chat(services, "boss")
    await boss.say("南开区急招服务员，电话13800007777")
    await boss.tap("面议")
    await boss.say("若干")
    assert await boss.step() == "confirm"
    assert "面议" in boss.text
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    assert posting.pay.negotiable
    assert posting.headcount is None


async def test_confirming_while_asked_publishes_as_it_is(services):
    boss = Chat(services, "boss")
    await boss.say("招搬运工3名，日结260，电话13800006668")
    await boss.say("确认")
    assert await boss.step() == "confirm"


async def test_two_jobs_edit_one_then_publish_both(services):
    boss = Chat(services, "boss")
    await boss.say(
        "招保洁2名，日结150；另招厨工1名，月薪5000，包吃住，西青区中北镇，电话13800002222"
    )
    assert "招聘草稿 1/2" in boss.text
    assert "招聘草稿 2/2" in boss.text
    await boss.tap("修改")
    assert await boss.step() == "edit"
    await boss.say("2 人数 3")
    assert await boss.step() == "confirm"
    assert "3 人" in boss.text
    await boss.say("工资 日结160")
    assert "160 元/天" in boss.text
    await boss.tap("确认发布")
    postings = sorted(
        await services.postings.by_poster(await boss.user_id()), key=lambda p: p.id or 0
    )
    assert [(p.title, p.headcount, p.pay.min) for p in postings] == [
        ("保洁", 2, 160),
        ("厨工", 3, 5000),
    ]
    assert "#" in boss.text


async def test_edit_rejects_values_it_cannot_read(services):
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    await boss.say("改")
    await boss.say("人数 零点几个")
    assert await boss.step() == "edit"
    await boss.say("天气不错")
    assert "没看懂" in boss.text
    await boss.say("区 北辰区")
    assert "北辰区" in boss.text
    assert await boss.step() == "confirm"


async def test_a_new_post_replaces_the_draft(services):
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    await boss.say("急招河东区保洁2名，日结180，电话13800008888")
    assert "保洁" in boss.text
    assert "河东区" in boss.text


async def test_cancel_drops_the_draft(services):
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    await boss.tap("取消")
    assert "已取消" in boss.text
    assert await boss.state() is None
    assert await services.postings.by_poster(await boss.user_id()) == []


async def test_under_moderation_a_post_waits_for_a_caseworker(services):
    services.policy = Policy(moderation=True)
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    await boss.tap("确认发布")
    assert "审核" in boss.text
    posting = await only_posting(boss)
    assert posting.status == PostingStatus.PENDING


async def test_a_risky_post_is_held_without_telling_the_reasons(services):
    boss = Chat(services, "boss")
    await boss.say("招聘保安3名 河西区 月薪8000 需交押金500元 电话13600000000")
    await boss.tap("确认发布")
    assert "核实" in boss.text
    assert "押金" not in boss.text
    posting = await only_posting(boss)
    assert posting.status == PostingStatus.PENDING


async def test_the_same_job_posted_twice_is_merged(services):
    first, second = Chat(services, "a"), Chat(services, "b")
    await first.say(COMPLETE)
    await first.tap("确认发布")
    await second.say(COMPLETE + " 🔥")
    await second.tap("确认发布")
    assert "相同" in second.text
    assert len(await services.postings.with_status(PostingStatus.PUBLISHED)) == 1


async def test_post_command_waits_for_the_post(services):
    boss = Chat(services, "boss")
    await boss.say("发布零工")
    assert await boss.step() == "wait_text"
    await boss.say(COMPLETE)
    assert await boss.step() == "confirm"
    with_text = Chat(services, "boss2")
    await with_text.say("/post " + COMPLETE)
    assert await with_text.step() == "confirm"


async def test_a_stale_button_says_so(services):
    boss = Chat(services, "boss")
    await boss.say(payload="post:confirm")
    assert "过期" in boss.text


async def test_a_seekers_wish_is_not_taken_for_a_post(services):
    seeker = Chat(services, "seeker")
    await seeker.say("想找离家近的保洁活，能日结最好")
    state = await seeker.state()
    assert state is None or state.flow != "employer_post"
    assert "招聘草稿" not in seeker.text


async def test_my_posts_close_and_repost(services, clock):
    boss = Chat(services, "boss")
    await boss.say(COMPLETE)
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    await boss.say("我的招聘")
    assert f"#{posting.id} 搬家 · 招聘中" in boss.text
    other = Chat(services, "other")
    await other.say(f"已招满 {posting.id}")
    assert "没有找到" in other.text
    await boss.say(f"已招满 {posting.id}")
    assert "已关闭" in boss.text
    closed = await services.postings.get(posting.id or 0)
    assert closed is not None
    assert closed.status == PostingStatus.CLOSED
    await boss.say("我的招聘")
    assert "已招满" in boss.text
    clock.advance(days=1)
    await boss.say(f"重新发布 {posting.id}")
    assert "已发布" in boss.text
    reposted = await services.postings.get(posting.id or 0)
    assert reposted is not None
    assert reposted.status == PostingStatus.PUBLISHED
    assert reposted.expires_at == clock() + timedelta(days=services.policy.gig_expiry_days)
    await boss.say("重新发布")
    assert "还在发布中" in boss.text  # the only live posting is meant


async def test_english_speakers_get_english_cards(services):
    boss = Chat(services, "boss")
    await boss.say("/lang en")
    await boss.say(COMPLETE)
    assert "Draft posting" in boss.text
    assert "300 yuan/day" in boss.text


async def test_the_terms_employers_type_reach_the_card(services):
    """干一天结一天, 管两顿饭, 早8晚6, 女工优先, 需持证 (issue 15) all show on the card."""
    boss = Chat(services, "boss")
    await boss.say(
        "西青区工地招电工3名 一天200 干一天结一天 管两顿饭 早8晚6 女工优先 需持证 13920003333"
    )
    assert await boss.step() == "confirm"
    card = boss.text
    assert "200 元/天（日结）" in card
    assert "包吃" in card
    assert "时间 08:00-18:00" in card
    assert "女工优先（不限性别）" in card
    assert "需持证" in card
    await boss.tap("修改")
    await boss.say("要求 早7晚5 要电工证")
    assert await boss.step() == "confirm"
    assert "时间 07:00-17:00" in boss.text
    assert "需电工证" in boss.text
    assert "女工优先" not in boss.text
    await boss.tap("确认发布")
    posting = await only_posting(boss)
    assert posting.gender is None


async def test_base_and_earnings_both_show_on_the_card(services):
    boss = Chat(services, "boss")
    await boss.say("河西区房产中介招置业顾问3名，底薪4800+提成，综合收入6500-9000，13920004444")
    assert "6500-9000" in boss.text
    assert "底薪 4800" in boss.text
    other = Chat(services, "boss2")
    await other.say("西青区物流园招分拣员10名 月薪4000-6000，一般5000左右 电话13920005555")
    assert "4000-6000 元/月，一般 5000" in other.text


async def test_a_station_in_another_city_reads_posts_as_its_own_people_write_them(services):
    services.policy = Policy(service_area="广州市")
    boss = Chat(services, "boss")
    await boss.say("番禺 大石 招服务员2名 月薪5000 电话13800006668")
    assert await boss.step() == "confirm"  # 番禺 alone is a Guangzhou name: nothing to ask
    await boss.say("确认")
    assert (await only_posting(boss)).district == "番禺区"
    other = Chat(services, "other")
    await other.say("招搬运工3名，日结260，电话13800006669")
    assert "哪个区" in other.last[-1].text
    await other.say("天河")  # Guangzhou's 天河区
    await other.say("改")
    await other.say("地址 黄埔 开发区东区")  # an address names the city's own district
    await other.say("确认")
    assert (await only_posting(other)).district == "黄埔区"
    third = Chat(services, "third")
    await third.say("招搬运工3名，日结260，电话13800006670")
    await third.say(location=Location(22.94, 113.38))  # 番禺; Tianjin's seats are 1,900 km off
    await third.say("确认")
    assert (await only_posting(third)).district == "番禺区"


async def test_a_tianjin_station_reads_no_other_citys_short_names(services):
    boss = Chat(services, "boss")
    await boss.say("番禺 招服务员2名 月薪5000 电话13800006671")
    assert "哪个区" in boss.last[-1].text  # 番禺 alone is no place in Tianjin
    await boss.say("西青")
    await boss.say("确认")
    assert (await only_posting(boss)).district == "西青区"
