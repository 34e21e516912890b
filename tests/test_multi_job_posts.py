"""One message listing several jobs becomes one posting per job, each with its own pay and
headcount, the place, phone and benefits shared (issue 14)."""

from __future__ import annotations

from datetime import datetime

from matching.parser import parse_post
from models.timeutil import LOCAL_TZ

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


def rows(text: str) -> list[tuple[object, ...]]:
    return [
        (j.title, j.headcount, j.pay.min, j.pay.unit.value if j.pay.unit else None)
        for j in parse_post(text, NOW)
    ]


def test_a_numbered_list_on_one_line():
    text = "南开区 1.保洁2名 150/天 2.搬运工3名 200/天 电话13800001111"
    assert rows(text) == [("保洁", 2, 150, "day"), ("搬运工", 3, 200, "day")]
    assert all(j.district == "南开区" for j in parse_post(text, NOW))


def test_emoji_numbers_and_bare_monthly_ranges_after_the_headcount():
    text = (
        "劳务派遣 长期招工\n1️⃣ 仓库拣货员 20名 4500-5500\n2️⃣ 注塑普工 15名 5000-6500\n"
        "3️⃣ 质检员 5名 女 4800\n工资月结 联系13800132425"
    )
    assert rows(text) == [
        ("仓库拣货员", 20, 4500, "month"),
        ("注塑普工", 15, 5000, "month"),
        ("质检员", 5, 4800, "month"),
    ]


def test_a_line_that_wants_several_is_a_job_of_its_own():
    text = (
        "工地招工（津南区咸水沽）\n木工 3名 一天400\n钢筋工 5名 一天380\n小工 若干 一天230\n"
        "管住不管吃\n电话：133-0088-9911"
    )
    jobs = parse_post(text, NOW)
    assert rows(text) == [
        ("木工", 3, 400, "day"),
        ("钢筋工", 5, 380, "day"),
        ("小工", None, 230, "day"),
    ]
    assert jobs[2].many_wanted
    assert all(j.benefits == ("包住",) and j.phones for j in jobs)


def test_a_single_job_with_several_wanted_is_not_split():
    assert len(parse_post("河西区饭店招聘\n服务员 3名 月薪4000\n要求：人员若干", NOW)) == 1
    assert len(parse_post("招保洁若干，日结150\n电话13800001111", NOW)) == 1


def test_pay_named_again_by_a_short_form_of_the_title():
    text = "独流镇饭店 招炒锅师傅1名、服务员2名。炒锅月薪七千，服务员月薪四千，包吃住 13800212223"
    assert rows(text) == [("炒锅师傅", 1, 7000, "month"), ("服务员", 2, 4000, "month")]


def test_the_next_line_never_turns_a_figure_into_a_count_or_a_date():
    """A figure before a line break: 月薪3500 then 单休, 七千五 then 天车工 (no count, no date)."""
    text = "宁河 钢管厂招工\n普工 10名，两班倒，月薪六千到七千五\n天车工 2名，月薪七千\n单休"
    assert rows(text) == [("普工", 10, 6000, "month"), ("天车工", 2, 7000, "month")]
    text = "宁河区 家电商场 招聘：\n推广员 3名，底薪2800+提成\n收银员 1名，月薪3500\n单休"
    assert rows(text) == [("推广员", 3, 2800, "month"), ("收银员", 1, 3500, "month")]


def test_each_jobs_text_ends_before_the_next_jobs_number():
    jobs = parse_post("南开区 1.保洁2名 150/天 干一天结一天 2.搬运工3名 200/天 13800001111", NOW)
    assert "2." not in jobs[0].text
    assert jobs[0].pay.period == "日结"
    assert jobs[0].work_form == "零工"


def test_a_list_of_pays_after_a_list_of_jobs_goes_to_each_in_order():
    """ "服务员2名 厨师1名 4000 6000" (issue 14): the figures side by side are the jobs' pays."""
    jobs = parse_post("西青区 饭店招 服务员2名 厨师1名 4000 6000 电话13800001111", NOW)
    assert [(j.title, j.pay.min, j.pay.unit.value if j.pay.unit else None) for j in jobs] == [
        ("服务员", 4000, "month"),
        ("厨师", 6000, "month"),
    ]
