"""Register import from messy sheets, monthly statistics identities, and the exported xlsx."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sheets.exports import CONTACT_HEADERS
from bot.sheets.register import import_register
from handlers.context import Services
from models.db import Database
from models.delivery import ContactRecord
from models.register import REACHED, RegisterEntry
from models.repos.register import RegisterRepo
from models.timeutil import LOCAL_TZ

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL

DISTRICTS = ["西青区", "南开区", "津南区"]
NOV_START = datetime(2026, 11, 1, tzinfo=LOCAL_TZ)
NOV_END = datetime(2026, 12, 1, tzinfo=LOCAL_TZ)


def _messy_register(path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["西青区 失业人员登记名单（2026年11月）"])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append([" 姓名 ", "手机号", "性别", "学历", "专业技能", "登记日期", "住址", "所属区"])
    ws.append(["张三", 13812345678.0, "男", "初中", "电焊", "2026年3月5日", "杨柳青镇", "西青区"])
    ws.append([None, None, None, None, None, None, None, None])  # blank row
    ws.append(["李四", "1381234", "女", "高中", "", "2026-04-01", "", "南开"])  # bad phone
    ws.append(["", "13900000000", "女", "", "", "", "", "西青区"])  # no name
    ws.append(["王五", "13700001111", "男", "大专", "会计", "2026/05/10", "咸水沽", None])
    ws.append(["赵六", "13700002222", "女", "本科", "", "去年", "", "西青区"])  # bad date
    ws.append(["钱七", "022-23456789", "女", "中专", "", "", "", "火星区"])  # unknown district
    # merged district cell spanning two people
    ws.append(["孙八", "13600003333", "男", "初中", "", "", "", "津南区"])
    ws.append(["周九", "13600004444", "男", "初中", "", "", "", None])
    ws.merge_cells(start_row=ws.max_row - 1, start_column=8, end_row=ws.max_row, end_column=8)
    book.save(path)


async def test_register_import_reports_bad_rows_and_keeps_good(services, tmp_path):
    path = tmp_path / "register.xlsx"
    _messy_register(path)
    report = await import_register(services, path)
    problems = dict(report.problems)
    assert set(problems) == {6, 7, 9, 10}
    assert "手机号格式不对" in problems[6]  # the sheet's own header
    assert "姓名" in problems[7]
    assert "日期" in problems[9]
    assert "所属区" in problems[10]
    people = {p.name: p for p in await RegisterRepo(services.db).in_district()}
    assert set(people) == {"张三", "王五", "孙八", "周九"}
    assert people["张三"].phone == "13812345678"  # numeric cell, no ".0"
    assert people["张三"].registered_on.isoformat() == "2026-03-05"
    assert people["王五"].district == "津南区"  # from the address 咸水沽
    assert people["周九"].district == "津南区"  # merged cell
    assert len({p.invite_code for p in people.values()}) == 4
    # importing again keeps ids and invite codes (no duplicates)
    again = await import_register(services, path)
    assert sorted(again.imported) == sorted(report.imported)
    assert {p.name: p.invite_code for p in await RegisterRepo(services.db).in_district()} == {
        n: p.invite_code for n, p in people.items()
    }


async def test_register_import_without_header_says_so(services, tmp_path):
    path = tmp_path / "wrong.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["甲", "乙"])
    book.save(path)
    report = await import_register(services, path)
    assert report.imported == []
    assert "表头" in report.problems[0][1]


async def _with_services(db_path: Path, fill) -> None:
    async with Database.open(db_path) as db:
        await fill(Services(db=db))


def test_export_contacts_layout(db_path, tmp_path):
    asyncio.run(_with_services(db_path, _one_contact))
    out = tmp_path / "contacts.xlsx"
    result = CliRunner().invoke(
        app, ["--db", str(db_path), "export", "contacts", "--month", "2026-11", "--xlsx", str(out)]
    )
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(out).active
    assert tuple(c.value for c in ws[2]) == CONTACT_HEADERS
    assert [c.value for c in ws[3]][1:7] == ["张三", "13812345678", "西青区", "2026-11-03",
                                              "电话", "介绍保洁岗位"]  # fmt: skip


async def _one_contact(services: Services) -> None:
    repo = RegisterRepo(services.db)
    [entry_id] = await repo.upsert_many(
        [RegisterEntry(id=None, name="张三", phone="13812345678", district="西青区")],
        datetime(2026, 10, 1, tzinfo=UTC),
    )
    await services.contacts.add(ContactRecord(
        id=None, user_id=None, register_id=entry_id, at=datetime(2026, 11, 3, 2, tzinfo=UTC),
        method="电话", content="介绍保洁岗位", staff="小王", outcome=REACHED))  # fmt: skip


def test_bad_month_is_refused(db_path):
    result = CliRunner().invoke(app, ["--db", str(db_path), "stats", "--month", "11/2026"])
    assert result.exit_code != 0
    assert "YYYY-MM" in result.output
