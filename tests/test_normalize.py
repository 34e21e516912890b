from hypothesis import given
from hypothesis import strategies as st

from matching.normalize import normalize_text, strip_noise


def test_fullwidth_digits_letters_and_punctuation_become_halfwidth():
    assert normalize_text("日结１８０元／天，ＡＢＣ：") == "日结180元/天,ABC:"


def test_wave_dashes_are_unified():
    assert normalize_text("5～8K") == "5~8K"
    assert normalize_text("5〜8K") == "5~8K"
    assert normalize_text("5000—8000") == "5000-8000"


def test_emoji_zero_width_and_control_characters_become_spaces():
    assert normalize_text("保洁😀日结\u200b150\u0007元") == "保洁 日结 150 元"


def test_decorative_runs_are_tamed_and_chinese_kept():
    assert normalize_text("★☆★急招保洁★☆★！！！") == "急招保洁 !"
    assert normalize_text("【【急招】】。。。") == "【急招】。"
    assert normalize_text("待遇好......") == "待遇好…"


def test_circled_list_markers_do_not_become_digits():
    assert normalize_text("①负责打扫②日结") == "负责打扫 日结"


def test_whitespace_collapses_but_single_line_breaks_survive():
    assert normalize_text("  保洁  \t 2名\n\n\n  司机 1名 ") == "保洁 2名\n司机 1名"


def test_empty_text():
    assert normalize_text("") == ""
    assert normalize_text(" \n\t ") == ""


def test_strip_noise_flattens_to_one_line_without_brackets():
    assert strip_noise("【急招】保洁\n(日结)") == "急招 保洁 日结"


@given(st.text())
def test_normalize_never_raises_and_is_idempotent(text):
    once = normalize_text(text)
    assert isinstance(once, str)
    assert normalize_text(once) == once
    assert "  " not in once
