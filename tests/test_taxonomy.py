import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.taxonomy import BRANDS, CATEGORIES, classify, codes_in, label

FORM_NAMES = {
    "A": "家政/保洁",
    "B": "物流/仓储/司机",
    "C": "快递/外卖/代跑代办",
    "D": "人事/行政/文员",
    "E": "财务/金融/保险",
    "F": "销售/市场/客服",
    "G": "汽修/汽车美容",
    "H": "物业管理/装修/维修",
    "I": "餐饮/厨师/服务员",
    "J": "普工/技工",
    "K": "美容美发/按摩/保健",
    "L": "旅游/免税/酒店",
    "M": "零售/营业员/促销员/导购员",
    "N": "医院/医疗/医药/护理",
    "O": "建筑/工程施工/工程技术/资料员",
    "P": "农林牧渔",
    "Q": "实习生/见习生/管培生",
}


def test_categories_match_the_registration_form():
    assert {code: cat.name_zh for code, cat in CATEGORIES.items()} == FORM_NAMES
    for code, cat in CATEGORIES.items():
        assert cat.code == code
        assert cat.name_en
        assert cat.description
        assert len(cat.titles) >= 10, code


def test_brands_point_at_known_codes():
    assert BRANDS["美团"] == ("C",)
    assert "C" in BRANDS["顺丰"]
    assert BRANDS["叉车"] == ("B",)
    assert BRANDS["电焊"] == ("J",)
    assert all(set(codes) <= set(CATEGORIES) for codes in BRANDS.values())


@pytest.mark.parametrize(
    ("text", "title", "code"),
    [
        ("想在西青区找保洁，日结", "", "A"),
        ("招聘住家保姆，照顾老人", "", "A"),
        ("月嫂育婴师", "", "A"),
        ("", "叉车司机", "B"),
        ("仓库分拣打包，两班倒", "", "B"),
        ("美团骑手，多劳多得", "", "C"),
        ("饿了么众包", "", "C"),
        ("前台文员，会办公软件", "", "D"),
        ("招会计一名，有初级会计证", "", "E"),
        ("电话销售，底薪加提成", "", "F"),
        ("汽修工学徒，4S店", "", "G"),
        ("小区物业招保安", "", "H"),
        ("饭店招服务员、传菜员", "", "I"),
        ("电子厂普工，包吃住", "", "J"),
        ("二保焊电焊工", "", "J"),
        ("足疗店招按摩师", "", "K"),
        ("酒店客房服务员", "客房服务员", "L"),
        ("超市收银员，促销员", "", "M"),
        ("医院护工，照顾病人", "", "N"),
        ("工地招力工、钢筋工", "", "O"),
        ("蔬菜大棚种植采摘", "", "P"),
        ("应届毕业生，管培生", "", "Q"),
    ],
)
def test_classify_puts_the_right_category_first(text, title, code):
    ranked = classify(text, title)
    assert ranked, text
    assert ranked[0][0] == code


def test_classify_confidences_are_ordered_and_bounded():
    ranked = classify("招聘快递员，美团骑手，也招仓库分拣", "快递员")
    confs = [c for _, c in ranked]
    assert confs == sorted(confs, reverse=True)
    assert all(0 < c < 1 for c in confs)
    assert ranked[0][0] == "C"


def test_title_weighs_more_than_text():
    text_only = dict(classify("保洁"))["A"]
    in_title = dict(classify("", "保洁"))["A"]
    assert in_title > text_only


def test_blockers_prevent_substring_false_hits():
    assert "B" not in dict(classify("公司机构改革"))
    assert "H" not in dict(classify("水电工程师"))
    assert "A" not in dict(classify("国家政策"))
    assert classify("软件工程师 java") == []
    assert classify("the systems team") == []


def test_nothing_matches():
    assert classify("") == []
    assert classify("今天天气不错") == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("A", ["A"]),
        ("a、c", ["A", "C"]),
        ("J普工", ["J"]),
        ("选A和C", ["A", "C"]),
        ("我想做保洁和快递", ["A", "C"]),
        ("b", ["B"]),
        ("ABC", []),
        ("B超", ["N"]),
        ("Z", []),
        ("", []),
    ],
)
def test_codes_in(text, codes):
    assert codes_in(text) == codes


def test_label():
    assert label("A") == "家政/保洁"
    assert label("c", "en") == "Courier / Food Delivery / Errands"
    assert label("Z") == "Z"


@given(st.text(), st.text())
def test_classify_and_codes_in_never_raise(text, title):
    for code, conf in classify(text, title):
        assert code in CATEGORIES
        assert 0.0 < conf < 1.0
    assert set(codes_in(text)) <= set(CATEGORIES)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("武清 果园 采摘草莓 一天150 50-65岁阿姨都可以", "P"),  # 阿姨 names the workers
        ("包馄饨 包包子 早上4点半到11点 早点铺 阿姨来", "I"),
        ("找个阿姨 做饭 打扫卫生 一个月4000", "A"),  # household help: 打扫 is 阿姨's own trade
        ("找个阿姨 一周来两次", "A"),
        ("帮忙看摊 夜市卖烤肠 晚6点-11点 一晚120", "M"),
        ("给小区 剪树 浇花 除草 男工 一天180", "P"),
        ("东丽 冷库 卸冻品 一吨10块 男 力气大", "B"),
    ],
)
def test_the_work_itself_names_the_trade_and_a_person_word_only_when_nothing_else_does(text, code):
    assert classify(text, "阿姨" if "阿姨" in text else "")[0][0] == code
