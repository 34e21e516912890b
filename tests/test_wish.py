import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.wish import NEAR_HOME_KM, WishFields, parse_wish
from models.values import EDUCATION_LEVELS, NEEDS, Pay, PayUnit, WorkForm


def test_full_wish():
    wish = parse_wish("想在西青区找保洁，日结，一天150以上")
    assert wish.categories == ("A",)
    assert wish.districts == ("西青区",)
    assert wish.pay == Pay(min=150, unit=PayUnit.DAY, period="日结")
    assert not wish.pay_hard
    assert not wish.daily_settlement_only  # "日结" alone is a preference


def test_near_home_means_the_fifteen_minute_circle():
    wish = parse_wish("想找离家近的保洁活，能日结最好")
    assert wish.categories == ("A",)
    assert wish.max_km == NEAR_HOME_KM == 3.0
    assert wish.pay == Pay(unit=PayUnit.DAY, period="日结")
    assert not wish.daily_settlement_only


def test_distance_limits():
    assert parse_wish("离家5公里以内").max_km == 5
    assert parse_wish("最远十公里").max_km == 10
    assert parse_wish("坐车半小时以内").max_km == 7.5
    assert parse_wish("走路15分钟").max_km == 1.2
    assert parse_wish("保洁").max_km is None


def test_hard_pay_floor():
    for text in ("不低于4000", "最低4000", "低于4000不考虑", "至少4000一个月"):
        wish = parse_wish(text)
        assert wish.pay == Pay(min=4000, unit=PayUnit.MONTH), text
        assert wish.pay_hard, text
    assert not parse_wish("工资4000左右").pay_hard


def test_only_daily_settlement_is_a_hard_gate():
    wish = parse_wish("只要日结的活，一天200")
    assert wish.daily_settlement_only
    assert wish.pay == Pay(min=200, unit=PayUnit.DAY, period="日结")
    assert parse_wish("必须日结").daily_settlement_only


def test_work_forms_and_needs():
    assert parse_wish("想做兼职").work_form == WorkForm.FLEXIBLE
    assert parse_wish("找个零工、临时工").work_form == WorkForm.FLEXIBLE
    assert parse_wish("想找长期稳定的工作").work_form == WorkForm.STABLE
    startup = parse_wish("想创业")
    assert startup.work_form == WorkForm.SELF
    assert startup.needs == ("创业培训",)
    assert startup.other_category is None
    assert parse_wish("想学技能，参加培训").needs == ("技能培训",)
    assert parse_wish("想申请补贴").needs == ("补贴申领",)
    assert parse_wish("不知道做什么好，想找人指导").needs == ("职业指导",)


def test_education():
    assert parse_wish("初中毕业").education == "初中"
    assert parse_wish("我是中专学历").education == "高中/中专/技校"
    assert parse_wish("大专，想找文员").education == "大专"
    assert parse_wish("本科毕业").education == "本科"
    assert parse_wish("研究生").education == "硕士及以上"
    assert parse_wish("保洁").education is None


def test_negation_removes_a_job_word_but_not_its_category_when_named_again():
    wish = parse_wish("不想做销售，想找客服")
    assert wish.categories == ("F",)
    assert parse_wish("不要保洁的活").categories == ()


def test_letters_and_several_categories():
    assert parse_wish("a、c").categories == ("A", "C")
    wish = parse_wish("送外卖或者快递都行，南开、河西区")
    assert wish.categories == ("C",)
    assert wish.districts == ("南开区", "河西区")


def test_other_category_when_nothing_on_the_form_fits():
    wish = parse_wish("想做程序员")
    assert wish.categories == ()
    assert wish.other_category == "程序员"
    assert parse_wish("想找工作").other_category is None


def test_empty_and_noise():
    assert parse_wish("") == WishFields()
    assert parse_wish("😀😀") == WishFields()


@given(st.text())
def test_parse_wish_never_raises(text):
    wish = parse_wish(text)
    assert set(wish.needs) <= set(NEEDS)
    assert wish.education is None or wish.education in EDUCATION_LEVELS
    assert wish.max_km is None or wish.max_km > 0


@pytest.mark.parametrize(
    ("text", "age"),
    [("50多岁 想找保洁", 50), ("五十出头 找个活", 50), ("快60了 还能干活", 59),
     ("我68岁了还能找到活吗", 68), ("我今年55了", 55), ("今年五十五 想找保洁", 55),
     ("六十八了 能干啥", 68), ("五十来岁的大姐", 50), ("四十多 女", 40), ("岁数58", 58),
     ("I am 62, looking for cleaning job", 62), ("属虎的 找保安", None),
     ("年纪大了 找个看大门的", None), ("保洁 50 一小时", None), ("一天两百 干了十年了", None)],
)  # fmt: skip
def test_age_as_seekers_write_it(text: str, age: int | None) -> None:
    assert parse_wish(text).age == age


@pytest.mark.parametrize("text", ["50多岁 想找保洁", "快60了 找保安", "女的 57", "本人45 女"])
def test_an_age_is_never_pay(text: str) -> None:
    """Before: 50多岁 stored 50 元/小时 as the wanted pay."""
    assert parse_wish(text).pay is None


def test_a_pay_next_to_an_age_is_kept() -> None:
    wish = parse_wish("我45 一天150")
    assert wish.age == 45
    assert wish.pay is not None
    assert (wish.pay.min, wish.pay.unit) == (150, PayUnit.DAY)


@pytest.mark.parametrize(
    ("text", "benefits"),
    [("包吃住最好", ("包吃", "包住")), ("最好管饭", ("包吃",)), ("管两顿饭", ("包吃",)),
     ("包午饭就行", ("包吃",)), ("有员工宿舍", ("包住",)), ("要交保险", ("五险",)),
     ("有没有社保", ("五险",)), ("没有社保也行", ()), ("不需要包吃住", ()),
     ("包住不包吃也行", ("包住",)),
     ("warehouse job with food and accommodation", ("包吃", "包住"))],
)  # fmt: skip
def test_benefits_a_seeker_asks_for(text: str, benefits: tuple[str, ...]) -> None:
    wish = parse_wish(text)
    assert wish.benefits == benefits
    assert "E" not in wish.categories  # 交保险 is a benefit, not the insurance trade


def test_english_i_is_no_category_letter() -> None:
    """Before: "I am 62 years old" stored category I (catering)."""
    wish = parse_wish("I am 62 years old")
    assert wish.categories == ()
    assert wish.age == 62


@pytest.mark.parametrize(
    ("text", "pay"),
    [("超市收银 河东 离家近点 三千五", 3500), ("保洁 3500左右", 3500), ("保洁 一万二", 12000),
     ("保安 2026年", None), ("离家1000米", None), ("电话 13812345678", None)],
)  # fmt: skip
def test_a_bare_thousands_figure_is_a_monthly_wage(text: str, pay: int | None) -> None:
    wish = parse_wish(text)
    got = None if wish.pay is None else (wish.pay.min, wish.pay.unit)
    assert got == (None if pay is None else (pay, PayUnit.MONTH))


ENGLISH_ANY = ("I need a part-time job, any kind", "Any job near Tianjin Station")


@pytest.mark.parametrize("text", ENGLISH_ANY)
def test_any_job_in_english(text: str) -> None:
    wish = parse_wish(text)
    assert wish.any_job
    assert wish.categories == ()


@pytest.mark.parametrize(
    ("text", "pay", "unit"),
    [("factory job, 4500 monthly", 4500, PayUnit.MONTH), ("cleaning, 150 daily", 150, PayUnit.DAY),
     ("25 yuan hourly", 25, PayUnit.HOUR), ("5k per month warehouse", 5000, PayUnit.MONTH),
     ("5000 per month warehouse", 5000, PayUnit.MONTH)],
)  # fmt: skip
def test_english_pay_phrases(text: str, pay: int, unit: PayUnit) -> None:
    """Before: "5000 per month warehouse" read the w of warehouse as 万 and kept no pay."""
    wish = parse_wish(text)
    assert wish.pay is not None
    assert (wish.pay.min, wish.pay.unit) == (pay, unit)


@pytest.mark.parametrize(
    ("text", "gender"),
    [("我是女的 找保洁", "女"), ("俺是男的", "男"), ("男同志 找活", "男"), ("我男 40", "男"),
     ("老头 找看门", "男"), ("老太太 找保洁", "女"), ("想找照顾老太太的活", None),
     ("陪护老头", None), ("男女不限", None), ("我男朋友让我找活", None)],
)  # fmt: skip
def test_gender_as_seekers_say_it(text: str, gender: str | None) -> None:
    assert parse_wish(text).gender == gender


@pytest.mark.parametrize(
    ("text", "form"),
    [("找个正经工作 能长干的", WorkForm.STABLE), ("白班 保洁 常年干", WorkForm.STABLE),
     ("想找个固定的工作", WorkForm.STABLE), ("短工也行 干几天的", WorkForm.FLEXIBLE),
     ("周末干的活", WorkForm.FLEXIBLE), ("只想干半天", WorkForm.FLEXIBLE),
     ("学生 暑假工", WorkForm.FLEXIBLE), ("自己想开个小店", WorkForm.SELF),
     ("摆摊", WorkForm.SELF)],
)  # fmt: skip
def test_work_form_as_seekers_say_it(text: str, form: WorkForm) -> None:
    assert parse_wish(text).work_form == form


@pytest.mark.parametrize(
    ("text", "km"),
    [("离家两三公里", 3.0), ("四五里地", 2.5), ("别太远 10里地以内", 5.0), ("1000米以内", 1.0),
     ("骑电动车半小时能到的", 7.5), ("close to home", NEAR_HOME_KM), ("一米八的个子 找保安", None),
     ("身高1米7", None)],
)  # fmt: skip
def test_distance_as_seekers_say_it(text: str, km: float | None) -> None:
    """Before: 两三公里 read as 23 km."""
    assert parse_wish(text).max_km == km
