"""Hours, licences and gender preference in an employer's post (issue 15, employer items)."""

from __future__ import annotations

from datetime import datetime

import pytest

from matching.parser import parse_post
from matching.post_fields import find_gender, find_gender_preference
from matching.post_terms import find_hours, find_licences
from models.timeutil import LOCAL_TZ

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("早8晚6", "08:00-18:00"),
        ("长白班 8:00-17:30 不倒班", "08:00-17:30"),
        ("早7点到下午4点", "07:00-16:00"),
        ("早上八点到晚上六点", "08:00-18:00"),
        ("晚上10点到早上2点", "22:00-02:00"),
        ("8点-6点", "08:00-18:00"),
    ],
)
def test_hours_as_posts_write_them(text, hours):
    assert find_hours(text) == hours


@pytest.mark.parametrize(
    "text", ["18-50岁", "月薪4500-6000", "每天8小时，2-3人", "12月3日-12月5日", "明早7点到岗"]
)
def test_ranges_that_are_not_hours(text):
    assert find_hours(text) is None


@pytest.mark.parametrize(
    ("text", "licences"),
    [
        ("电工 需持证", ("持证",)),
        ("持证上岗", ("持证",)),
        ("要电工证", ("电工证",)),
        ("有叉车证，日结200", ("叉车证",)),
        ("电工1名，持电工证，月薪七千五", ("电工证",)),
        ("持A2驾照，跑天津-上海线", ("A2驾照",)),
        ("有健康证优先，没有的入职后统一办理", ()),
        ("叉车证可培训", ()),
        ("女工优先 需持证", ("持证",)),
    ],
)
def test_licences_required_not_preferred_or_arranged(text, licences):
    assert find_licences(text) == licences


@pytest.mark.parametrize("text", ["女工优先", "女性优先", "女优先", "50岁以下女性优先"])
def test_a_gender_preference_is_no_requirement(text):
    assert find_gender(text) is None
    found = find_gender_preference(text)
    assert found is not None
    assert found.value == "女"


def test_a_stated_gender_stays_a_requirement():
    found = find_gender("招保洁2名，限女，50岁以下")
    assert found is not None
    assert found.value == "女"
    assert find_gender_preference("招保洁2名，限女，50岁以下") is None
    assert find_gender_preference("男女不限，女工优先") is None


def test_the_issue_15_employer_post_keeps_every_term():
    text = "西青区 工地招电工3名 一天200 干一天结一天 管两顿饭 早8晚6 女工优先 需持证 13800001111"
    job = parse_post(text, NOW)[0]
    assert (job.pay.min, job.pay.unit.value if job.pay.unit else None) == (200, "day")
    assert job.pay.period == "日结"
    assert "包吃" in job.benefits
    assert job.hours == "08:00-18:00"
    assert job.gender is None
    assert job.gender_preference == "女"
    assert job.licences == ("持证",)
    line = job.to_json()
    assert (line["hours"], line["gender_preference"], line["licences"]) == (
        "08:00-18:00",
        "女",
        ["持证"],
    )
