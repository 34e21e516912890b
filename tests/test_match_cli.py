"""`yizhan match` and `yizhan reach` through the real command line (typer's CliRunner)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.matching import load_demo_postings
from matching.districts import TIANJIN_DISTRICTS
from models.db import Database
from models.repos.postings import PostingRepo
from models.values import Pay, PayUnit
from tests.test_engine import POSTS, add_seeker, make_posting

runner = CliRunner()


@pytest.fixture
def filled_db(tmp_path: Path) -> Path:
    """A database with the hand-written postings and two console seekers."""
    path = tmp_path / "cli.db"

    async def fill() -> None:
        now = datetime.now(UTC)
        async with Database.open(path) as db:
            repo = PostingRepo(db)
            for row in POSTS:
                await repo.add(make_posting(*row, now), now)
            await add_seeker(
                db, now, "ayi", categories=("A",), districts=("西青区",), wish="想找保洁，日结",
                pay=Pay(150, None, PayUnit.DAY, period="日结"),
            )  # fmt: skip
            await add_seeker(db, now, "rider", categories=("C",), districts=("南开区",))

    asyncio.run(fill())
    return path


def invoke(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def test_match_profiles_writes_one_json_line_per_profile(filled_db, tmp_path):
    profiles = tmp_path / "profiles.jsonl"
    profiles.write_text(
        "\n".join(
            [
                json.dumps({"id": "p1", "wish": "保洁 日结", "districts": ["西青区"]}),
                "{not json",
                json.dumps({"id": 2, "categories": "C", "pay_min": 5000, "pay_unit": "month"}),
                json.dumps({"categories": ["A"]}),  # no id
                "",
                json.dumps(
                    {
                        "id": "p4",
                        "location": {"lat": 39.0, "lon": 117.7},
                        "max_km": 10,
                        "wish": "工地干活",
                    }
                ),
                json.dumps({"id": "p5", "pay_unit": "week"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = invoke(filled_db, "match", "--profiles", str(profiles), "--top", "3")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["profile_id"] for line in lines] == ["p1", 2, "p4"]
    for line in lines:
        assert set(line) == {"profile_id", "results"}
        assert 1 <= len(line["results"]) <= 3
        scores = [r["score"] for r in line["results"]]
        assert scores == sorted(scores, reverse=True)
        for r in line["results"]:
            assert set(r) == {"posting_id", "score", "reason"}
            assert isinstance(r["score"], float)
            assert 0.0 <= r["score"] <= 1.0
            assert r["posting_id"].startswith("t-")
            assert r["reason"]
    assert lines[0]["results"][0]["posting_id"] == "t-clean"
    assert lines[1]["results"][0]["posting_id"] == "t-rider"
    assert lines[2]["results"][0]["posting_id"] == "t-site"
    assert "距您约" in lines[2]["results"][0]["reason"]
    errors = result.stderr
    assert "第 2 行" in errors
    assert "第 4 行" in errors
    assert "第 7 行" in errors
    assert "第 5 行" not in errors  # blank lines are not errors


def test_match_out_file(filled_db, tmp_path):
    profiles = tmp_path / "p.jsonl"
    profiles.write_text(json.dumps({"id": "x", "categories": ["I"]}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke(
        filled_db, "match", "--profiles", str(profiles), "--top", "2", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    record = json.loads(out.read_text(encoding="utf-8"))
    assert {r["posting_id"] for r in record["results"]} == {"t-waiter", "t-dish"}


def test_match_stored_user_prints_for_people(filled_db):
    result = invoke(filled_db, "match", "--user", "ayi", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "商场保洁员" in result.stdout
    assert "保洁类 · 西青区 · 日结 200 元" in result.stdout
    missing = invoke(filled_db, "match", "--user", "nobody", "--top", "3")
    assert missing.exit_code == 1
    assert "nobody" in missing.stderr


def test_match_needs_exactly_one_input(filled_db):
    assert invoke(filled_db, "match", "--top", "3").exit_code == 2


def test_reach_lists_the_seekers_with_scores(filled_db):
    result = invoke(filled_db, "reach", "--posting", "t-clean", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["seeker"] for r in rows] == ["console:ayi"]
    assert rows[0]["score"] >= 0.45
    assert rows[0]["reason"].startswith("保洁类")
    table = invoke(filled_db, "reach", "--posting", "1")  # our own id works too
    assert table.exit_code == 0
    assert "ayi" in table.stdout
    assert invoke(filled_db, "reach", "--posting", "no-such").exit_code == 1


def test_demo_postings_are_valid_and_found(tmp_path):
    now = datetime.now(UTC)
    postings = load_demo_postings(now)
    assert len(postings) >= 20
    assert len({p.external_id for p in postings}) == len(postings)
    assert all(p.district in TIANJIN_DISTRICTS and p.categories for p in postings)
    path = tmp_path / "demo.db"

    async def fill() -> None:
        async with Database.open(path) as db:
            for posting in postings:
                await PostingRepo(db).add(posting, now)

    asyncio.run(fill())
    profiles = tmp_path / "demo.jsonl"
    profiles.write_text(
        json.dumps({"id": "d", "wish": "想在西青区找保洁，日结，一天150以上"}) + "\n",
        encoding="utf-8",
    )
    result = invoke(path, "match", "--profiles", str(profiles), "--top", "3")
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["results"]
    assert all(r["reason"].startswith(("保洁类 · 西青区", "家政类 · 西青区")) for r in top[:2])
