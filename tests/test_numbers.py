import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.numbers import find_numbers, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("180", 180),
        ("１８０", 180),
        ("4,500", 4500),
        ("3.5", 3.5),
        ("三百", 300),
        ("八百", 800),
        ("十五", 15),
        ("二十五", 25),
        ("两千五", 2500),
        ("一万二", 12000),
        ("三百五", 350),
        ("一千零五", 1005),
        ("两千五百", 2500),
        ("十五万", 150000),
        ("贰仟伍佰", 2500),
        ("1.5万", 15000),
        ("1.2w", 12000),
        ("5k", 5000),
        ("5K", 5000),
        ("5千", 5000),
        ("3.5千", 3500),
        ("3千5", 3500),
        ("3千500", 3500),
        ("2万5", 25000),
        ("1万2千", 12000),
        ("一五零", 150),
        ("5000元", 5000),
        ("两百块", 200),
    ],
)
def test_parse_number_reads_written_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["", "abc", "k", "三四千", "5.5.5", "百十", "三百五千", "几千", "5 6"]
)
def test_parse_number_rejects_non_numbers_and_ranges(text):
    assert parse_number(text) is None


def test_find_numbers_reports_values_and_spans_in_order():
    text = "月薪5000-8000，一天两千五，5k"
    found = find_numbers(text)
    assert [m.value for m in found] == [5000, 8000, 1, 2500, 5000]
    for m in found:
        assert text[m.span[0] : m.span[1]] == m.text


def test_find_numbers_stops_chinese_numbers_before_the_next_digit():
    assert [m.text for m in find_numbers("两千五一个月")] == ["两千五", "一"]


def test_find_numbers_does_not_read_bare_units_as_numbers():
    assert find_numbers("千万别错过") == []


@given(st.text())
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or value >= 0


@given(st.text(alphabet="0123456789.,一二两三四五六七八九十百千万亿零kKw元 "))
def test_parse_number_never_raises_on_numeral_soup(text):
    value = parse_number(text)
    assert value is None or value >= 0
    assert all(m.value >= 0 for m in find_numbers(text))


def test_a_comma_before_a_phone_number_is_no_thousands_separator():
    """Normalised posts turn ， into ,: "6500-9000,13920004444" is a range, then a phone."""
    assert [n.value for n in find_numbers("6500-9000,13920004444")][:2] == [6500, 9000]
    assert [n.value for n in find_numbers("月薪1,500-2,000元")] == [1500, 2000]
