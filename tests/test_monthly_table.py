"""The 攻坚行动统计表: brute-force figures, the exact layout, scoping, text as text."""

import asyncio
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sheets.exports import write_contacts
from handlers.context import Services
from matching.districts import TIANJIN_DISTRICTS
from models.db import Database
from models.delivery import ContactRecord
from models.register import REACHED, UNREACHED, RegisterEntry, RegisterStatus
from models.repos.register import RegisterRepo
from models.repos.stats import StatsRepo, report_period
from models.timeutil import LOCAL_TZ

pytestmark = pytest.mark.backends  # the table's SQL runs on SQLite and PostgreSQL alike

# December's table: contacts from 21 November to the end of 20 December.
START = datetime(2026, 11, 21, tzinfo=LOCAL_TZ)
END = datetime(2026, 12, 21, tzinfo=LOCAL_TZ)
USED = ["西青区", "南开区", "津南区", "滨海新区"]


def test_report_period_runs_from_the_21st_to_the_20th():
    assert report_period("2026-12") == (START, END)
    assert report_period("2027-01")[0] == datetime(2026, 12, 21, tzinfo=LOCAL_TZ)
    for bad in ("2026-13", "2026-1", "12/2026", "2026-00"):
        try:
            report_period(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


async def _generate(services: Services, rng: random.Random) -> list[dict]:
    """Random people, statuses and contacts around the period; returns the truth."""
    repo = RegisterRepo(services.db)
    entries = [
        RegisterEntry(id=None, name=f"人{i}", phone=f"139{i:08d}", district=rng.choice(USED))
        for i in range(160)
    ]
    ids = await repo.upsert_many(entries, START - timedelta(days=40))
    late = await repo.upsert_many(  # imported after the 20th: not in December's table
        [RegisterEntry(id=None, name="晚到", phone="13700000000", district="西青区")],
        END + timedelta(hours=1),
    )
    truth = []
    for entry_id, entry in zip(ids + late, [*entries, None], strict=True):
        person = {"district": entry.district if entry else "西青区", "late": entry is None,
                  "status": "registered", "status_at": None, "contacts": []}  # fmt: skip
        roll = rng.random()
        if roll < 0.1:
            at = START - timedelta(days=5)
            await repo.set_status(entry_id, RegisterStatus.CLOSED, "已退休", at)
            person.update(status="closed", status_at=at)
        elif roll < 0.35:
            at = START + timedelta(days=rng.randint(-3, 33))
            await repo.set_status(entry_id, RegisterStatus.EMPLOYED, "灵活就业", at)
            person.update(status="employed", status_at=at)
        elif roll < 0.45:
            at = START + timedelta(days=rng.randint(-20, 33))
            await repo.set_status(entry_id, RegisterStatus.UNREACHABLE, None, at)
            person.update(status="unreachable", status_at=at)
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            at = START + timedelta(days=rng.randint(-10, 35), hours=rng.randint(0, 23))
            outcome = rng.choice([REACHED, UNREACHED, None])
            await services.contacts.add(ContactRecord(
                id=None, user_id=None, register_id=entry_id, at=at, method="电话",
                content="月度回访", staff="小王", outcome=outcome))  # fmt: skip
            person["contacts"].append((at, outcome))
        truth.append(person)
    return truth


def _brute(truth: list[dict], district: str) -> tuple[int, int, int, int, int, int]:
    """(1) … (5) and the never-tried count, person by person, straight from the definitions."""
    issued = unreachable = served = employed = waiting = 0
    for p in truth:
        if p["district"] != district or p["late"]:
            continue
        if p["status"] in ("closed", "employed") and p["status_at"] < START:
            continue
        issued += 1
        inside = [o for at, o in p["contacts"] if START <= at < END]
        if any(o != UNREACHED for o in inside):
            served += 1
            employed += p["status"] == "employed" and p["status_at"] < END
        elif UNREACHED in inside or (p["status"] == "unreachable" and p["status_at"] < END):
            unreachable += 1
        else:
            waiting += 1
    return issued, unreachable, served, employed, served - employed, waiting


async def test_table_matches_a_brute_force_count_for_every_district(services):
    truth = await _generate(services, random.Random(42))
    rows = await StatsRepo(services.db).table(TIANJIN_DISTRICTS, START, END)
    assert [r.district for r in rows] == list(TIANJIN_DISTRICTS)
    for row in rows:
        got = (row.issued, row.unreachable, row.served, row.employed, row.unemployed,
               row.not_contacted)  # fmt: skip
        assert got == _brute(truth, row.district), row.district
        assert row.served == row.employed + row.unemployed  # 3 = 4 + 5
        assert row.issued == row.unreachable + row.served + row.not_contacted
    assert {r.district for r in rows if r.issued} == set(USED)
    assert sum(r.not_contacted for r in rows) > 0  # never tried: not counted as 联系不到
    assert sum(r.unreachable for r in rows) > 0


async def test_never_contacted_is_not_unreachable(services):
    repo = RegisterRepo(services.db)
    [_a, b] = await repo.upsert_many(
        [RegisterEntry(id=None, name="甲", phone="13800000001", district="河东区"),
         RegisterEntry(id=None, name="乙", phone="13800000002", district="河东区")],
        START - timedelta(days=1),
    )  # fmt: skip
    for _ in range(2):
        await services.contacts.add(ContactRecord(
            id=None, user_id=None, register_id=b, at=START + timedelta(days=2), method="电话",
            content="未接", staff="小王", outcome=UNREACHED))  # fmt: skip
    [row] = await StatsRepo(services.db).table(("河东区",), START, END)
    assert (row.issued, row.unreachable, row.served, row.not_contacted) == (2, 1, 0, 1)


def _golden(month_title: str, cut: str, rows: list[tuple], note: str) -> dict:
    """The expected sheet, cell by cell, built from the issue's description."""
    cells = {(1, 1): f"失业人员就业服务攻坚行动统计表（{month_title}）", (2, 1): cut}
    headers = ("所属区", "登记失业人员下发人数", "联系不到人数", "联系服务人数", "已就业人数",
               "未就业人数")  # fmt: skip
    for column, header in enumerate(headers, start=1):
        cells[(3, column)] = header
    for column, number in enumerate(("1=2+3", "2", "3=4+5", "4", "5"), start=2):
        cells[(4, column)] = number
    for index, values in enumerate(rows, start=5):
        for column, value in enumerate(values, start=1):
            cells[(index, column)] = value
    cells[(5 + len(rows), 1)] = note
    merged = {"A1:F1", "A2:F2", "A3:A4", f"A{5 + len(rows)}:F{5 + len(rows)}"}
    return {"cells": cells, "merged": merged, "max_row": 5 + len(rows), "max_column": 6}


def _actual(ws) -> dict:
    cells = {
        (c.row, c.column): c.value for line in ws.iter_rows() for c in line if c.value is not None
    }
    return {"cells": cells, "merged": {str(r) for r in ws.merged_cells.ranges},
            "max_row": ws.max_row, "max_column": ws.max_column}  # fmt: skip


async def _fill(db_path: Path, fill) -> None:
    async with Database.open(db_path) as db:
        await fill(Services(db=db))


def test_stats_xlsx_has_exactly_the_official_layout(db_path, tmp_path):
    truth: list[dict] = []

    async def fill(services: Services) -> None:
        truth.extend(await _generate(services, random.Random(7)))

    asyncio.run(_fill(db_path, fill))
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(
        app, ["--db", str(db_path), "stats", "--month", "2026-12", "--xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "本期还没有联系记录" in result.output
    figures = [(d, *_brute(truth, d)[:5]) for d in TIANJIN_DISTRICTS]
    totals = ("合计", *(sum(r[i] for r in figures) for i in range(1, 6)))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["失业人员就业服务攻坚行动统计表", "驿站服务情况"]
    expected = _golden("2026年12月", "截至2026年12月20日", [*figures, totals],
                       "注：各区于每月25日前上报截至当月20日的情况")  # fmt: skip
    assert _actual(book.worksheets[0]) == expected
    own = book.worksheets[1]
    assert [c.value for c in own[2]] == ["所属区", "本期未联系人数", "发布岗位数", "推送次数",
                                        "感兴趣次数", "推送后就业人数"]  # fmt: skip
    assert [own.cell(r, 1).value for r in range(3, 20)] == [*TIANJIN_DISTRICTS, "合计"]
    assert own.cell(19, 2).value == sum(_brute(truth, d)[5] for d in TIANJIN_DISTRICTS)


def test_one_district_export_holds_only_that_row(db_path, tmp_path):
    asyncio.run(_fill(db_path, lambda s: _generate(s, random.Random(3))))
    out = tmp_path / "xq.xlsx"
    result = CliRunner().invoke(app, ["--db", str(db_path), "stats", "--month", "2026-12",
                                      "--district", "西青", "--xlsx", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [ws.cell(r, 1).value for r in range(5, ws.max_row)] == ["西青区", "合计"]
    bad = CliRunner().invoke(app, ["--db", str(db_path), "stats", "--month", "2026-12",
                                   "--district", "朝阳区"])  # fmt: skip
    assert bad.exit_code != 0
    assert "不是天津的区" in bad.output


def test_user_text_is_written_as_text_not_formulas(tmp_path):
    person = RegisterEntry(id=1, name='=HYPERLINK("http://x","点我")', phone="13800000000",
                           district="西青区")  # fmt: skip
    record = ContactRecord(id=1, user_id=None, register_id=1, at=START, method="电话",
                           content="+cmd|' /C calc'!A0", staff="@staff",
                           outcome=REACHED)  # fmt: skip
    out = tmp_path / "c.xlsx"
    write_contacts(out, "2026-12", [record], {1: person}, {})
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    ws = openpyxl.load_workbook(out).active
    row = [c for c in ws[3]]
    assert row[1].value == person.name
    assert row[1].data_type == "s"
    assert row[6].value == record.content
    assert row[7].value == "@staff"
    assert row[1].quotePrefix
    assert row[6].quotePrefix
    assert row[7].quotePrefix
