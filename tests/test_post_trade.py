"""The trade of a post read from keywords and meaning, and the doubt kept for the poster."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import numpy as np
import pytest
from typer.testing import CliRunner

from bot.cli import app
from matching.category_vectors import CODES
from matching.parser import parse_post
from matching.post_trade import DISAGREE, TradeReader, combine, examples

NOW = datetime.fromisoformat("2026-11-23T10:00:00+08:00")


def sims(**bumps: float) -> np.ndarray:
    """Cosines of 0.88 for every code, raised by the given amounts."""
    out = np.full(len(CODES), 0.88, dtype=np.float32)
    for code, bump in bumps.items():
        out[CODES.index(code)] += bump
    return out


def test_flat_meaning_keeps_the_keyword_reading_sure():
    reading = combine([("A", 0.67)], sims(), None)
    assert reading.codes == ("A",)
    assert not reading.unsure


def test_meaning_breaks_a_tie_between_two_keyword_codes():
    reading = combine([("H", 0.6), ("O", 0.55)], sims(O=0.03), None)
    assert reading.codes[0] == "O"
    assert "H" in reading.codes


def test_meaning_that_favours_another_trade_is_a_doubt_with_both_offered():
    reading = combine([("D", 0.73), ("L", 0.4)], sims(L=0.02), None)
    assert reading.codes[0] == "D"  # the guess stays, but the poster is asked
    assert reading.unsure
    assert reading.options[:2] == ("D", "L")


def test_a_small_lead_is_a_doubt():
    reading = combine([("M", 0.6), ("N", 0.58)], sims(), None)
    assert reading.unsure
    assert set(reading.options[:2]) == {"M", "N"}


def test_without_keywords_meaning_only_ranks_the_options():
    reading = combine([], sims(P=0.03, A=0.01), None)
    assert reading.codes == ()
    assert reading.confidence == 0.0
    assert reading.options[:2] == ("P", "A")


def test_weak_keyword_hits_below_the_parser_bar_are_ignored():
    assert combine([("F", 0.2)], sims(), None).codes == ()


def test_every_code_has_examples():
    counts = Counter(code for code, _ in examples())
    assert set(counts) == set(CODES)
    assert min(counts.values()) >= 4
    assert DISAGREE > 0


@pytest.fixture(scope="module")
def reader(encoder) -> TradeReader:
    return TradeReader(encoder)


def read(reader: TradeReader, text: str):
    jobs = reader.read(parse_post(text, NOW))
    assert len(jobs) == 1
    return jobs[0]


def test_real_model_a_plain_cleaning_post_is_sure(reader):
    job = read(reader, "急招保洁阿姨2名，写字楼打扫卫生，日结150，电话13800001111")
    assert job.categories[0] == "A"
    assert job.trade_options == ()
    assert job.confidence["categories"] >= 0.6


def test_real_model_the_workplace_decides_an_apprentice(reader):
    job = read(reader, "汽修厂招学徒2名，跟师傅学修车换机油，月薪3000，电话13800003333")
    assert job.categories[0] == "G"  # not 实习/学徒 (Q): the garage is the trade


def test_real_model_a_hotel_front_desk_is_the_hotel_trade(reader):
    job = read(reader, "宾馆招夜班前台1名，办入住退房，月薪4000，电话13800005555")
    assert job.categories[0] == "L"  # 前台 is portable (文员 D elsewhere); the hotel decides
    assert job.to_json()["trade_options"] == list(job.trade_options)


def test_real_model_no_keyword_leaves_the_trade_open_with_options(reader):
    job = read(reader, "帮着收玉米装袋，干三天，一天200，电话13800009999")
    assert job.categories == ()
    assert "categories" not in job.confidence
    assert job.trade_options[0] == "P"


@pytest.mark.parametrize("text", ["今天天气不错，大家周末愉快", "有意者私聊，名额有限，先到先得"])
def test_real_model_nonsense_gets_no_trade(reader, text):
    job = read(reader, text)
    assert job.categories == ()
    assert "categories" not in job.confidence


def test_yizhan_parse_reads_trades_by_meaning_and_lists_the_doubt(encoder):
    lines = [
        json.dumps({"id": "hotel", "text": "宾馆招夜班前台1名，办入住退房，月薪4000"}),
        "not json",
        json.dumps({"id": "garage", "text": "汽修厂招学徒2名，跟师傅学修车换机油，月薪3000"}),
    ]
    result = CliRunner().invoke(app, ["parse"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    hotel, bad, garage = (json.loads(line) for line in result.output.splitlines())
    assert hotel["categories"][0] == "L"
    assert hotel["jobs"][0]["trade_options"] == hotel["trade_options"]
    assert (bad["line"], "error" in bad) == (2, True)
    assert (garage["line"], garage["categories"][0]) == (3, "G")
    plain = CliRunner().invoke(app, ["parse", "--keywords-only"], input=lines[2] + "\n")
    assert json.loads(plain.output)["categories"][0] == "G"  # keywords: the garage decides 学徒
