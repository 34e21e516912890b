"""The post parser: every field on real-looking gig posts, multi-job messages and noisy input."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from matching.parser import parse_one, parse_post, to_posting
from matching.post_fields import (
    find_age,
    find_benefits,
    find_contact_name,
    find_gender,
    find_headcount,
    find_phones,
    find_work_form,
)
from matching.post_time import find_duration, find_start
from matching.wish import parse_wish
from models.posting import PostingStatus, Trust
from models.timeutil import LOCAL_TZ
from models.values import PayUnit

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL_TZ)  # a Monday morning in Tianjin
GIG_POSTS = Path(__file__).resolve().parent.parent / "scripts" / "data" / "gig_posts.jsonl"


def one(text: str):
    jobs = parse_post(text, NOW)
    assert len(jobs) == 1, [j.title for j in jobs]
    return jobs[0]


def test_the_issue_example_is_read_field_by_field():
    job = one(
        "急招！西青区张家窝 物流仓库分拣 10名 男女不限 18-50岁 日结180 包午饭 明早7点 "
        "联系 13812345678 王经理"
    )
    assert job.title == "物流仓库分拣"
    assert job.categories[0] == "B"
    assert job.headcount == 10
    assert (job.pay.min, job.pay.max, job.pay.unit, job.pay.period) == (
        180,
        180,
        PayUnit.DAY,
        "日结",
    )
    assert job.district == "西青区"
    assert job.address == "西青区张家窝"
    assert (job.age_min, job.age_max, job.gender) == (18, 50, "男女不限")
    assert job.benefits == ("包吃",)
    assert job.start == "2026-11-24T07:00:00+08:00"
    assert job.phones == ("13812345678",)
    assert job.contact_name == "王经理"
    assert job.work_form == "零工"
    for field in ("title", "headcount", "pay", "district", "start", "phones", "contact_name"):
        assert 0.5 <= job.confidence[field] <= 1.0, field


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("招洗碗工２名，月薪３５００，电话１３６１２３４５６７８", 3500, 3500, PayUnit.MONTH),
        ("招搬运工三名，日结三百，北辰区双街", 300, 300, PayUnit.DAY),
        ("东丽区食品厂招普工20名，月薪五千到六千", 5000, 6000, PayUnit.MONTH),
        ("招聘厨师长 1名 月薪1.5万 静海区", 15000, 15000, PayUnit.MONTH),
        ("5-8K·13薪 招销售代表 3名 河东区", 5000, 8000, PayUnit.MONTH),
        ("招 家政保洁 钟点工 30元/小时 南开", 30, 30, PayUnit.HOUR),
        ("北辰区找个装修小工，一天二百五，管午饭", 250, 250, PayUnit.DAY),
    ],
)
def test_pay_in_full_width_digits_chinese_numerals_and_k(text, low, high, unit):
    job = one(text)
    assert (job.pay.min, job.pay.max, job.pay.unit) == (low, high, unit)


def test_negotiable_pay_is_unknown_not_zero():
    job = one("河西区 招月嫂 多名 工资面议 联系王姐13344445555")
    assert job.pay.negotiable
    assert job.pay.min is None
    assert not job.pay.known
    assert job.headcount is None
    assert job.many_wanted
    assert "pay" not in job.missing_essentials()
    assert "headcount" not in job.missing_essentials()


def test_a_fee_is_never_read_as_pay():
    job = one("在家手机打字 先交198元培训费 电话13100001111")
    assert job.pay.min is None


def test_settlement_word_far_from_the_figure_still_sets_the_period():
    job = one("招聘 装卸工 数名 地点：天津港保税区 日结 一天280 电话 13987654321")
    assert (job.pay.min, job.pay.unit, job.pay.period) == (280, PayUnit.DAY, "日结")
    assert job.district == "滨海新区"
    assert job.address == "天津港保税区"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明早7点", "2026-11-24T07:00:00+08:00"),
        ("明天早上6点半集合", "2026-11-24T06:30:00+08:00"),
        ("今晚8点到凌晨2点", "2026-11-23T20:00:00+08:00"),
        ("后天上午9点", "2026-11-25T09:00:00+08:00"),
        ("明天下午2点", "2026-11-24T14:00:00+08:00"),
        ("明天上午八点", "2026-11-24T08:00:00+08:00"),
        ("下周一开工", "2026-11-30"),
        ("本周六早6点", "2026-11-28T06:00:00+08:00"),
        ("周三 河北区", "2026-11-25"),
        ("12月3日 和平区展会", "2026-12-03"),
        ("1月5日开工", "2027-01-05"),  # said in November: next January
        ("即日上岗", "2026-11-23"),
    ],
)
def test_start_is_resolved_against_now_in_local_time(text, expected):
    found = find_start(text, NOW)
    assert found is not None
    assert found.value == expected


@pytest.mark.parametrize("text", ["早7点到11点", "16:00上班", "周一至周五", "每周三次", "周六日"])
def test_schedules_are_not_starts(text):
    assert find_start(text, NOW) is None


def test_start_depends_on_the_day_the_post_was_sent():
    tuesday = datetime(2026, 11, 24, 23, 30, tzinfo=LOCAL_TZ)
    found = find_start("明早7点", tuesday)
    assert found is not None
    assert found.value == "2026-11-25T07:00:00+08:00"


@pytest.mark.parametrize(
    ("text", "value"),
    [("干三天", "3天"), ("工期5天", "5天"), ("长期稳定", "长期"), ("干到年底", "到年底")],
)
def test_duration(text, value):
    assert find_duration(text) == (value, pytest.approx(find_duration(text)[1]))  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("电话 139-2233-4455", ["13922334455"]),
        ("联系 138 2000 1111", ["13820001111"]),
        ("联系电话 (022)2345 6789 刘女士", ["022-23456789"]),
        ("联系电话：022-29241234", ["022-29241234"]),
        ("成都 028-85551234", ["028-85551234"]),
        ("咨询 400-800-1234（免费）", ["400-800-1234"]),
        ("13812345678或15022223333", ["13812345678", "15022223333"]),
        ("联系 138xxxxxxxx", []),
        ("订单号2024112312345678", []),
    ],
)
def test_phones_mobile_landline_service_and_not_ids(text, phones):
    assert [p.value for p in find_phones(text)] == phones


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("联系 13812345678 王经理", "王经理"),
        ("联系李姐 022-23456789", "李姐"),
        ("有意者联系：张经理 15022223333", "张经理"),
        ("联系人：赵先生 13511223344", "赵先生"),
        ("联系人：王建国", "王建国"),
        ("电话18698765432 刘工", "刘工"),
        ("高工资 包工头勿扰 货车师傅 有师傅带", None),
    ],
)
def test_contact_names_and_look_alikes(text, name):
    found = find_contact_name(text)
    assert (found.value if found else None) == name


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("招4人", 4),
        ("物流仓库分拣 10名", 10),
        ("码头理货 3-5人", 5),
        ("招发传单两名", 2),
        ("招聘人数：36人", 36),
        ("北辰区找个装修小工", 1),
        ("公司现有员工200人，3人间宿舍", None),
        ("需带过5人以上团队", None),
        ("找个人 帮看看孩子写作业", 1),
        ("育儿嫂 住家 宝宝8个月 北京 海淀 8500", 1),  # a family hires one
        ("家政公司 长期招育儿嫂、月嫂", None),  # an agency does not say how many
        ("招月嫂 若干", None),
        ("后勤 招厨师 炒大锅菜 一天600人的量 月薪7500", None),  # how many a cook feeds
        ("招住家保姆一名，照顾一位80岁老人", 1),  # the one cared for is not a second hire
    ],
)
def test_headcount(text, count):
    found = find_headcount(text)
    assert (found.value if found else None) == count


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("18-50岁", 18, 50),
        ("年龄18-45", 18, 45),
        ("45岁以下", None, 45),
        ("60岁以内", None, 60),
        ("年满18周岁", 18, None),
        ("五十岁以下", None, 50),
        ("照顾3岁孩子", None, None),
    ],
)
def test_age(text, low, high):
    a, b = find_age(text)
    assert ((a.value if a else None), (b.value if b else None)) == (low, high)


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("男女不限", "男女不限"),
        ("男女均可", "男女不限"),
        ("限男 需持证", "男"),
        ("女 身高165以上", "女"),
        ("保洁阿姨", "女"),
        ("宝妈学生皆可", None),
        ("联系刘女士", None),
    ],
)
def test_gender(text, gender):
    found = find_gender(text)
    assert (found.value if found else None) == gender


def test_benefits_are_canonical_and_negations_dropped():
    found = [b.value for b in find_benefits("包住不包吃，管午饭，五险一金，车补，有班车")]
    assert found == ["包住", "包吃", "五险", "公积金", "交通补贴", "班车"]
    assert [b.value for b in find_benefits("吃住全包")] == ["包吃", "包住"]


@pytest.mark.parametrize(
    ("text", "want"),
    [("包吃住", ["包吃", "包住"]), ("管两顿饭", ["包吃"]), ("包午饭", ["包吃"]),
     ("包工作餐", ["包吃"]), ("有宿舍", ["包住"]), ("不包吃住", []), ("不提供住宿", []),
     ("不用管饭", []), ("五险一金", ["五险", "公积金"])],
)  # fmt: skip
def test_one_benefit_vocabulary_for_posts_and_seekers(text: str, want: list[str]) -> None:
    """A post's 包吃住 and a seeker's 包吃+包住 name the same things, so matching can compare."""
    assert [b.value for b in find_benefits(text)] == want
    assert list(parse_wish(f"想找保洁 {text}").benefits) == want


@pytest.mark.parametrize(
    ("text", "form"),
    [("兼职：周六日促销", "兼职"), ("诚聘会计 全职", "全职"), ("日结300", "零工"),
     ("钟点工", "零工"), ("长期稳定", "全职"), ("月薪5000", None)],
)  # fmt: skip
def test_work_form(text, form):
    found = find_work_form(text)
    assert (found.value if found else None) == form


def test_two_jobs_in_one_message_share_place_and_contact():
    jobs = parse_post(
        "招保洁2名，日结150；另招厨工1名，月薪5000，包吃住，西青区中北镇，电话13800002222", NOW
    )
    assert [(j.title, j.headcount) for j in jobs] == [("保洁", 2), ("厨工", 1)]
    assert [(j.pay.min, j.pay.unit) for j in jobs] == [(150, PayUnit.DAY), (5000, PayUnit.MONTH)]
    assert [j.categories[0] for j in jobs] == ["A", "I"]
    assert {j.district for j in jobs} == {"西青区"}
    assert {j.phones for j in jobs} == {("13800002222",)}
    assert all({"包吃", "包住"} <= set(j.benefits) for j in jobs)
    assert "厨工" not in jobs[0].text  # each job's text is its own part plus the shared part


def test_pay_named_after_each_job_goes_to_that_job():
    jobs = parse_post("蓟州区农家院招厨师1名 帮厨2名 厨师月薪7000 帮厨月薪4000 包吃住", NOW)
    assert [(j.title, j.pay.min) for j in jobs] == [("厨师", 7000), ("帮厨", 4000)]


def test_numbered_lists_and_per_job_requirements():
    jobs = parse_post(
        "1、保洁员 3名 月薪3500\n2、保安 2名 月薪4000\n3、厨师 1名 月薪6000\n"
        "地址：南开区长江道 电话13622223333",
        NOW,
    )
    assert [(j.title, j.headcount, j.pay.min) for j in jobs] == [
        ("保洁员", 3, 3500), ("保安", 2, 4000), ("厨师", 1, 6000)
    ]  # fmt: skip
    assert {j.district for j in jobs} == {"南开区"}
    genders = parse_post("东丽区招：普工10名 男女不限 月薪5000；叉车工2名 限男 月薪6500", NOW)
    assert [j.gender for j in genders] == ["男女不限", "男"]


def test_one_pay_after_several_jobs_applies_to_all():
    jobs = parse_post("西青区招保洁2名，洗碗工1名，日结200，电话13800003333", NOW)
    assert [(j.title, j.pay.min) for j in jobs] == [("保洁", 200), ("洗碗工", 200)]


def test_a_repeated_job_is_not_two_jobs():
    jobs = parse_post("招保洁2名，日结150。保洁2名要求50岁以下，电话13800004444", NOW)
    assert len(jobs) == 1


def test_emoji_and_line_noise_are_ignored():
    job = one("🔥🔥急招🔥 红桥区 咖啡店店员 2名 💰时薪20 🍱包工作餐 ☎️13100001111\n★☆★☆★☆★")
    assert (job.title, job.headcount, job.pay.min, job.pay.unit) == (
        "咖啡店店员", 2, 20, PayUnit.HOUR
    )  # fmt: skip
    assert job.phones == ("13100001111",)
    assert job.benefits == ("包吃",)


def test_a_two_thousand_character_post_is_parsed_whole():
    boiler = "公司简介：本公司成立多年，车间有空调暖气，管理人性化。\n" * 70
    text = (
        "【天津某汽车配件有限公司 诚聘】\n"
        + boiler
        + "招聘岗位：普工 30名\n工作地点：武清区汽车产业园\n"
        "薪资待遇：综合工资5500-7000元/月\n福利：五险一金，包吃住\n"
        "报名电话：13820003000 联系人：马经理"
    )
    assert len(text) > 2000
    job = one(text)
    assert (job.title, job.headcount, job.district) == ("普工", 30, "武清区")
    assert (job.pay.min, job.pay.max) == (5500, 7000)
    assert job.contact_name == "马经理"
    assert job.phones == ("13820003000",)


def test_other_cities_use_the_national_division_table():
    job = one("上海浦东新区 仓库拣货员 10名 月薪6500-8000 包住 电话 13912340000")
    assert (job.district, job.city) == ("浦东新区", "上海市")
    chengdu = one("成都武侯区 火锅店 传菜员 4名 月薪4000 电话 028-85551234")
    assert (chengdu.district, chengdu.city) == ("武侯区", "成都市")


def test_missing_essentials_are_what_the_flow_asks():
    job = one("招保洁，电话13800005555")
    assert job.missing_essentials() == ["district", "pay", "headcount"]
    complete = one("西青区招保洁2名，日结150，电话13800005555")
    assert complete.missing_essentials() == []


def test_empty_and_non_post_text():
    assert parse_post("", NOW) == []
    assert parse_post("   \n ", NOW) == []
    job = one("你好")
    assert job.confidence["title"] <= 0.3
    assert not job.pay.known
    assert not job.phones
    assert job.missing_essentials() == ["district", "pay", "headcount"]


def test_to_posting_keeps_the_original_and_contact_person():
    job = one("急招！西青区 搬家 4人 日结300 联系 13812345678 王经理")
    posting = to_posting(job, trust=Trust.RELAYED, now=NOW, source="relay:群", poster_user_id=7)
    assert posting.trust == Trust.RELAYED
    assert posting.status == PostingStatus.DRAFT
    assert posting.original_text == "急招！西青区 搬家 4人 日结300 联系 13812345678 王经理"
    assert (posting.contact, posting.phones) == ("王经理", ("13812345678",))
    assert posting.created_at == NOW
    assert posting.poster_user_id == 7


def test_parse_one_never_splits_and_skips_known_fields():
    text = "招保洁2名，日结150；另招厨工1名，月薪5000"
    job = parse_one(text, NOW, title="综合岗位", skip=["pay", "headcount"])
    assert job is not None
    assert job.title == "综合岗位"
    assert job.pay.min is None
    assert job.headcount is None


def test_the_written_gig_set_stays_accurate():
    """A floor under the hand-labelled gig posts (scripts/eval_parser.py reports the figures)."""
    posts = [json.loads(line) for line in GIG_POSTS.read_text(encoding="utf-8").splitlines()]
    right = total = 0
    for post in posts:
        jobs = parse_post(post["text"], datetime.fromisoformat(post["now"]))
        assert len(jobs) == len(post["jobs"]), post["id"]
        for job, gold in zip(jobs, post["jobs"], strict=True):
            checks = [
                job.headcount == gold["headcount"],
                job.district == gold["district"],
                sorted(job.phones) == sorted(gold["phones"]),
                job.start == gold["start"],
                job.gender == gold["gender"],
                (job.age_min, job.age_max) == (gold["age_min"], gold["age_max"]),
            ]
            right += sum(checks)
            total += len(checks)
    assert right / total >= 0.95


def test_jobs_of_one_post_on_lines_of_their_own_places_keep_their_own_districts() -> None:
    """A caseworker relays jobs from several places in one message: each job is where its own
    line says, and a job whose line names no place is not put in another job's district."""
    text = (
        "【街道就业站转发】\n"
        "1、小白楼写字楼 招保洁3名 3500\n"
        "2、中北镇某工厂 招普工10名 月薪5000\n"
        "3、城里的超市 招理货员2名 4000\n"
        "电话 139 0012 3456"
    )
    jobs = parse_post(text, NOW)
    assert [(j.title, j.district) for j in jobs] == [
        ("保洁", "和平区"), ("普工", "西青区"), ("理货员", None),
    ]  # fmt: skip


def test_jobs_of_one_place_share_its_district() -> None:
    jobs = parse_post("西青区 饭店招服务员2名 3800，厨师1名 6000，电话 139 0012 3456", NOW)
    assert [j.district for j in jobs] == ["西青区", "西青区"]


def test_an_item_wanting_some_people_is_a_job_of_its_own() -> None:
    """ "裁剪2名、整烫3名、包装工若干": 若干 in the middle of a line is a headcount too."""
    text = "服装厂招裁剪2名、整烫3名、包装工若干，计件，熟手月入6000-8000，包吃住 139 0012 3456"
    jobs = parse_post(text, NOW)
    assert [(j.title, j.headcount, j.many_wanted) for j in jobs] == [
        ("裁剪", 2, False), ("整烫", 3, False), ("包装工", None, True),
    ]  # fmt: skip
    assert {j.pay.min for j in jobs} == {6000}


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("宝抵 大棚摘西红柿 一天150 139 0012 3456", "宝坻区"),
        ("早点铺炸油条 一个月四千 宁和区 139 0012 3456", "宁河区"),
        ("蓟洲 山里民宿 打扫房间 月薪4500", "蓟州区"),
        ("风水宝地 招保安2名 月薪3800", None),  # 宝地 inside a word is not 宝坻
        ("和北京的客户合作 招业务员2名 月薪5000", None),  # nor 和北 河北区
    ],
)
def test_a_mistyped_district_counts_only_standing_alone(text: str, district: str | None) -> None:
    assert parse_post(text, NOW)[0].district == district
