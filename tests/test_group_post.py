"""Group posts for ordinary WeChat groups: the text, its filters, and the "J12" replies."""

import asyncio
import re
from datetime import timedelta

from typer.testing import CliRunner

from bot.cli import app
from handlers.caseworker.group_post import build_group_post, read_job_code
from handlers.context import Services
from models.db import Database
from models.messages import Channel
from models.posting import Posting, PostingStatus, Trust
from models.register import REACHED
from models.repos.outreach import OutreachRepo
from models.values import Pay, PayUnit
from tests.chat_helpers import Chat
from tests.staff_helpers import staff_chat

PHONE = "13812345678"


async def _posting(services, title, *, district="西青区", categories=("A",), verified=True,
                   status=PostingStatus.PUBLISHED, days=3, risk=0.0, age_h=0):  # fmt: skip
    now = services.clock()
    posting = Posting(
        id=None, title=title, description=f"{title}，电话{PHONE}", categories=categories,
        district=district, address="中北镇 电话 022-27391234", contact="王先生",
        phones=(PHONE,), pay=Pay(200, None, PayUnit.DAY, period="日结"),
        trust=Trust.VERIFIED if verified else Trust.EMPLOYER, status=status, risk_score=risk,
        published_at=now - timedelta(hours=age_h), expires_at=now + timedelta(days=days),
    )  # fmt: skip
    return await services.postings.add(posting, now)


async def _board(services):
    """Six live verified 西青区 jobs (newest first: 0..5) and the ones a group post leaves out."""
    ids = [await _posting(services, f"保洁{n} {PHONE}", age_h=n) for n in range(6)]
    out = {
        "other_district": await _posting(services, "南开保洁", district="南开区"),
        "unverified": await _posting(services, "未核实保洁", verified=False),
        "expired": await _posting(services, "过期保洁", days=-1),
        "risky": await _posting(services, "高薪轻松", risk=0.9),
        "closed": await _posting(services, "已关闭", status=PostingStatus.CLOSED),
        "courier": await _posting(services, "外卖骑手", categories=("C",), age_h=10),
    }
    return ids, out


async def test_the_text_is_numbered_masked_and_limited(services, clock):
    ids, out = await _board(services)
    text, postings = await build_group_post(services, "西青区", clock(), limit=4)
    assert [p.id for p in postings] == ids[:4]
    lines = text.splitlines()
    numbered = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert [line.split(".")[0] for line in numbered] == ["1", "2", "3", "4"]
    for posting_id in ids[:4]:
        assert f"回复 J{posting_id} 获取联系方式" in text
    assert PHONE not in text
    assert "27391234" not in text
    assert "138****5678" in text
    assert "公众号" in lines[-2]  # how to subscribe for personal matches
    assert "中北镇 电话…" in text  # the address is cut before its landline, not inside it
    assert all(f"J{i} " not in text for i in out.values())


async def test_only_live_verified_low_risk_jobs_of_the_district_are_listed(services, clock):
    ids, out = await _board(services)
    _, postings = await build_group_post(services, "西青区", clock(), limit=30)
    listed = {p.id for p in postings}
    assert listed == {*ids, out["courier"]}
    _, with_unverified = await build_group_post(
        services, "西青区", clock(), limit=30, verified_only=False
    )
    assert {p.id for p in with_unverified} == listed | {out["unverified"]}


async def test_the_category_filter(services, clock):
    _, out = await _board(services)
    text, postings = await build_group_post(services, "西青区", clock(), category="C")
    assert [p.id for p in postings] == [out["courier"]]
    assert "快递" in text.splitlines()[0]  # the header names the category


async def test_an_empty_district_says_so(services, clock):
    text, postings = await build_group_post(services, "宝坻区", clock())
    assert postings == []
    assert "暂无" in text


async def test_the_chat_command_uses_my_district_and_a_category_word(services):
    _, out = await _board(services)
    chat = await staff_chat(services)
    await chat.say("群发文案 外卖")
    assert f"J{out['courier']}" in chat.last[1].text
    assert "保洁0" not in chat.last[1].text
    await chat.say("群发文案")
    assert chat.last[1].text.count("获取联系方式") == 7


def test_the_command_line_prints_the_post(tmp_path):
    db = tmp_path / "y.db"

    async def seed() -> list[int]:
        async with Database.open(db) as database:
            ids, _ = await _board(Services(db=database))
            return ids

    ids = asyncio.run(seed())
    result = CliRunner().invoke(
        app, ["--db", str(db), "group-post", "--district", "西青", "--category", "A",
              "--limit", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"J{ids[0]}" in result.output
    assert f"J{ids[1]}" in result.output
    assert f"J{ids[2]}" not in result.output
    assert PHONE not in result.output
    bad = CliRunner().invoke(app, ["--db", str(db), "group-post", "--district", "西青区",
                                   "--category", "火箭"])  # fmt: skip
    assert bad.exit_code != 0


def test_job_codes_are_read_in_their_usual_spellings():
    assert [read_job_code(s) for s in ("J12", "j12", "J 12", "Ｊ１２", " j7 ")] == [
        12,
        12,
        12,
        12,
        7,
    ]
    assert [read_job_code(s) for s in ("J", "JJ12", "12", "J12号", "job12")] == [None] * 5


async def test_a_reply_gets_the_full_contact_and_is_counted(services):
    ids, out = await _board(services)
    reader = Chat(services, "oReader", Channel.WECHAT)
    await reader.say(f"J{ids[0]}")
    assert PHONE in reader.text
    assert "想收到更多" in reader.text  # not subscribed yet: how to
    assert any(c.payload == f"fb:{ids[0]}:interested" for c in reader.last[0].choices)
    await reader.say(f"ｊ{ids[0]}")
    await Chat(services, "tg1", Channel.TELEGRAM).say(f"J{ids[0]}")
    await reader.say(f"J{out['closed']}")
    assert "已招满或已结束" in reader.text
    assert PHONE not in reader.text
    await reader.say("J99999")
    assert "没有找到岗位 J99999" in reader.text
    counts = {c.posting_id: (c.replies, c.people) for c in await OutreachRepo(services.db)
              .reply_counts("西青区")}  # fmt: skip
    assert counts == {ids[0]: (3, 2), out["closed"]: (1, 1)}
    records = await services.contacts.for_user(await reader.user_id())
    assert [(r.method, r.outcome, r.staff) for r in records] == [("微信", REACHED, "系统")] * 3
    assert f"J{ids[0]}" in records[0].content
    chat = await staff_chat(services)
    await chat.say("群发统计")
    assert f"J{ids[0]}" in chat.text
    assert "3 次（2 人）" in chat.text
