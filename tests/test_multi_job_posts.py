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


def test_a_title_with_a_bracketed_qualifier_starts_a_job_of_its_own():
    text = "武清 工业园\n普工（包装） 20名 时薪22\n搬运工 5名 男 时薪24\n长期 185 0000 7077"
    assert rows(text) == [("普工(包装)", 20, 22, "hour"), ("搬运工", 5, 24, "hour")]


def test_a_job_named_after_zhao_comes_before_the_one_after_ling_zhao_or_ye_yao():
    driver = "招货车司机 4.2米 市内配送\nC本 一个月8000\n另招跟车的 1名 男 4500\n东丽 13100007035"
    assert [(t, p) for t, _, p, _ in rows(driver)] == [("货车司机", 8000), ("跟车的", 4500)]
    sewing = "北辰 服装厂\n招缝纫工 平车 熟手 月均6000-8000\n包住\n也要剪线头的 3000\n13300007067"
    assert [t for t, *_ in rows(sewing)] == ["缝纫工", "剪线头的"]


def test_a_rate_per_person_is_no_headcount_and_a_time_word_no_title():
    (job,) = parse_post("开荒保洁 新房 3人 明天一天 一人300 当天结 静海 15500007064", NOW)
    assert (job.headcount, job.pay.min, job.pay.unit.value if job.pay.unit else None) == (
        3,
        300,
        "day",
    )
    (banquet,) = parse_post("周六 婚宴 帮忙 端盘子 上菜 一天 一人150 红桥 18700007107", NOW)
    assert banquet.title != "一天"
    assert banquet.headcount is None


def test_how_many_places_are_left_is_no_job():
    text = "出国务工\n🔸 酒店服务员 20名\n🔸 厨师 10名\n本期名额只剩8名 报名从速\n13000007034"
    assert [t for t, *_ in rows(text)] == ["酒店服务员", "厨师"]


def test_titles_each_with_its_own_figure_are_a_job_each():
    text = "吃住全包 工地钢筋工 一天450 木工 一天480 架子工 一天500 北辰 月底结 13800006001"
    assert rows(text) == [("钢筋工", None, 450, "day"), ("木工", None, 480, "day"),
                          ("架子工", None, 500, "day")]  # fmt: skip
    lines = "钢结构厂\n铆工 电焊 8000-10000\n打磨 小工 5500\n包吃住 13800006002"
    assert [(t, p) for t, _, p, _ in rows(lines)] == [("电焊", 8000), ("小工", 5500)]


def test_one_title_with_a_trial_pay_or_a_single_figure_stays_one_job():
    assert len(parse_post("招保洁 月薪3000 试用期2500 河西区 13800006003", NOW)) == 1
    assert len(parse_post("木工 一天480 木工 一天480 重复发 13800006004", NOW)) == 1


def test_one_job_on_two_sets_of_terms_is_a_job_for_each():
    text = "蔬菜大棚 招工 摘西红柿 装箱 女工一天140 男工一天180 日结 13800006005"
    jobs = parse_post(text, NOW)
    assert [(j.pay.min, j.gender) for j in jobs] == [(140, "女"), (180, "男")]
    assert all(j.categories[:1] == ("P",) for j in jobs)  # the trade is the post's
    coffee = parse_post("咖啡店 招全职 兼职 全职4500+ 兼职时薪20 有健康证 13800006006", NOW)
    assert [(j.work_form, j.pay.min, j.pay.unit.value) for j in coffee] == [
        ("全职", 4500, "month"), ("兼职", 20, "hour"),
    ]  # fmt: skip
    # The same pay on both terms, or shifts, are one job.
    assert len(parse_post("招保洁 男女不限 男工女工都是一天150 13800006007", NOW)) == 1
    assert len(parse_post("招保安 白班4500 夜班5000 13800006008", NOW)) == 1
