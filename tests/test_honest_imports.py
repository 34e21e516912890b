"""Imports say what they did: messy posting rows, register rules, dry runs, and wrong files."""

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sheets.postings import import_postings
from bot.sheets.read import MAX_UNPACKED_BYTES, SheetError, as_date, read_sheet
from bot.sheets.register import import_register
from handlers.context import Policy
from models.repos.register import RegisterRepo

pytestmark = pytest.mark.backends  # the register's SQL runs on SQLite and PostgreSQL alike
runner = CliRunner()
HEAD = ["编号", "岗位名称", "岗位描述", "区", "最低薪资", "最高薪资", "薪资单位", "联系方式"]


def _sheet(path: Path, header: list, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


async def test_messy_posting_rows_each_end_imported_or_refused_with_the_sheets_header(
    services, tmp_path
):
    path = _sheet(tmp_path / "p.xlsx", [*HEAD[:4], "薪资下限", *HEAD[5:]], [
        ["A1", "保洁", "商场保洁", "西青区", 3000, 4000, "元/月", "王经理 13812345678"],
        ["A2", "司机", "送货", "北京朝阳区", 5000, 6000, "元/月", "13812345679"],
        ["A1", "保洁二", "重复编号", "西青区", 3000, 4000, "元/月", "13812345670"],
        ["A3", None, "只有描述没有名称", "南开区", None, None, None, "13812345671"],
        ["A4", "服务员", "饭店", "河西区", None, None, None, "abc"],
        ["A5", "厨师", "食堂", "nan", "nan", None, None, "13812345672"],
        ["A6", "保安", "小区", "河东区", -100, None, None, "13812345673"],
    ])  # fmt: skip
    report = await import_postings(services, path, source="cw")
    reasons = dict(report.errors)
    assert report.rows == 7
    assert report.created == 2  # A1 and A5 (nan is empty, not a value)
    assert set(reasons) == {3, 4, 5, 6, 8}
    assert "不是天津市的区" in reasons[3]
    assert reasons[3].startswith("区：")  # the sheet's own header
    assert "与第 2 行相同" in reasons[4]
    assert reasons[5] == "缺少岗位名称"
    assert "abc" in reasons[6]
    assert "没有电话号码" in reasons[6]
    assert reasons[8] == "薪资下限：“-100”不能是负数"
    first = await services.postings.by_external_id("A1")
    assert first.title == "保洁"  # not overwritten by the repeated 编号
    nan = await services.postings.by_external_id("A5")
    assert nan.district is None
    assert nan.pay is None or not nan.pay.known


async def test_a_station_in_another_city_imports_its_own_districts(services, tmp_path):
    services.policy = Policy(service_area="广州市")
    path = _sheet(tmp_path / "g.xlsx", HEAD, [
        ["G1", "保洁", "商场保洁", "天河", 3000, 4000, "元/月", "13812345678"],
        ["G2", "司机", "送货", "西青区", 5000, 6000, "元/月", "13812345679"],
        ["G3", "服务员", "番禺 大石 酒楼", None, 4000, 5000, "元/月", "13812345680"],
    ])  # fmt: skip
    report = await import_postings(services, path, source="cw")
    reasons = dict(report.errors)
    assert set(reasons) == {3}
    assert "不是广州市的区" in reasons[3]  # Tianjin's 西青区 is outside this station's city
    assert (await services.postings.by_external_id("G1")).district == "天河区"
    assert (await services.postings.by_external_id("G3")).district == "番禺区"  # from the text


def test_check_is_a_dry_run(db_path, tmp_path):
    path = _sheet(tmp_path / "p.xlsx", HEAD, [
        ["B1", "保洁", "商场保洁", "西青区", 3000, 4000, "元/月", "13812345678"],
        ["B2", "司机", "送货", "深圳", 5000, 6000, "元/月", "13812345679"],
    ])  # fmt: skip
    base = ["--db", str(db_path), "import", str(path), "--no-push"]
    result = runner.invoke(app, [*base[:4], "--check"])
    assert result.exit_code == 0, result.output
    assert "未写入" in result.output
    assert "将新增 1" in result.output
    assert "第 3 行" in result.output
    again = runner.invoke(app, [*base[:4], "--check"])
    assert "将新增 1" in again.output  # nothing was written the first time
    done = runner.invoke(app, [*base[:4], "--anywhere"])
    assert "新增 2" in done.output, done.output


def _register(path: Path, header: list, rows: list[list]) -> Path:
    return _sheet(path, header, rows)


REG = ["姓名", "联系电话", "就业意向", "失业登记时间", "所属区", "街道", "社区"]


async def test_register_keeps_its_fields_and_refuses_what_it_must(services, tmp_path, clock):
    clock.now = datetime(2026, 12, 1, 2, tzinfo=UTC)
    path = _register(tmp_path / "r.xlsx", REG, [
        ["张三", "13800000001", "保洁", "11月5日", "西青区", "杨柳青镇", "柳口路社区"],
        ["李四", "13800000001", "", "2026-11-06", "西青区", None, None],
        ["王五", "13800000002", "", "2026-13-01", "西青区", None, None],
        ["赵六", "13800000003", "", "", "北京朝阳区", None, None],
        ["示例-张三", "13800000004", "", "", "西青区", None, None],
    ])  # fmt: skip
    check = await import_register(services, path, check=True)
    assert (check.created, check.imported) == (1, [])
    assert await RegisterRepo(services.db).in_district() == []
    report = await import_register(services, path)
    reasons = dict(report.problems)
    assert set(reasons) == {3, 4, 5, 6}
    assert "与第 2 行相同" in reasons[3]
    assert reasons[4].startswith("失业登记时间：无法识别的日期")
    assert "不是天津市的区" in reasons[5]
    assert "示例" in reasons[6]
    [person] = await RegisterRepo(services.db).in_district()
    assert person.registered_on.isoformat() == "2026-11-05"
    assert (person.wish, person.street, person.community) == ("保洁", "杨柳青镇", "柳口路社区")
    other = _register(tmp_path / "r2.xlsx", ["姓名", "联系电话", "所属区"],
                      [["张冒", "13800000001", "西青区"]])  # fmt: skip
    again = await import_register(services, other)
    assert "已登记为另一人" in again.problems[0][1]
    [still] = await RegisterRepo(services.db).in_district()
    assert still.name == "张三"


async def test_register_reasons_come_in_the_caseworkers_language(services, tmp_path):
    path = _register(tmp_path / "en.xlsx", REG, [
        ["张三", "13800000001", "", "", "西青区", None, None],
        ["李四", "13800000001", "", "", "西青区", None, None],
        ["王五", "13800000002", "", "", "北京朝阳区", None, None],
        ["赵六", "13800000003", "", "2026-13-01", "西青区", None, None],
    ])  # fmt: skip
    reasons = dict((await import_register(services, path, lang="en")).problems)
    assert reasons[3] == "联系电话 repeats row 2; not imported"
    assert reasons[4].startswith(
        "所属区: “北京朝阳区” is not a Tianjin district (one of: 滨海新区"
    )
    assert (
        reasons[5] == "失业登记时间: Unknown date “2026-13-01”: write 2026-03-05 or 2026年3月5日"
    )
    with pytest.raises(SheetError, match="never stores ID numbers"):
        await import_register(
            services, _register(tmp_path / "id.xlsx", ["姓名", "身份证号"], [["张三", "1"]]),
            lang="en",
        )  # fmt: skip


async def test_a_sheet_with_id_numbers_is_refused(services, tmp_path):
    path = _register(tmp_path / "id.xlsx", ["姓名", "身份证号", "所属区"],
                     [["张三", "120101199001011234", "西青区"]])  # fmt: skip
    with pytest.raises(SheetError, match="身份证号"):
        await import_register(services, path)
    assert await RegisterRepo(services.db).in_district() == []


def test_register_template_and_help(tmp_path):
    path = tmp_path / "register.xlsx"
    assert runner.invoke(app, ["template", str(path)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book.active[1]]
    assert header[:3] == ["姓名", "性别", "联系电话"]
    assert {"就业意向", "街道", "社区", "失业登记时间"} <= set(header)
    assert "身份证号" not in header
    assert book.active.max_row == 1  # no data rows
    help_text = runner.invoke(app, ["register", "import", "--help"]).output
    assert "就业意向" in help_text
    assert "身份证号" in help_text


def test_dates_without_a_year_and_bad_dates():
    today = datetime(2026, 3, 1, tzinfo=UTC).date()
    assert as_date("11月5日", today).isoformat() == "2025-11-05"  # not in the future
    assert as_date("2月5日", today).isoformat() == "2026-02-05"
    assert as_date("2026年3月", today).isoformat() == "2026-03-01"
    for bad in ("2026-13-01", "去年", "0011-05-01", "2026-02-30"):
        with pytest.raises(ValueError, match="无法识别的日期"):
            as_date(bad, today)


ALIASES = {"姓名": ()}


def _expect_refusal(path: Path, words: str) -> None:
    with pytest.raises(SheetError, match=words):
        read_sheet(path, ALIASES, ("姓名",))


def test_wrong_files_give_one_chinese_line(tmp_path):
    text_as_xlsx = tmp_path / "a.xlsx"
    text_as_xlsx.write_text("姓名\n张三\n", encoding="utf-8")
    _expect_refusal(text_as_xlsx, "不是有效的 Excel")
    broken_zip = tmp_path / "b.xlsx"
    broken_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _expect_refusal(broken_zip, "不是有效的 Excel")
    zip_as_csv = tmp_path / "c.csv"
    zip_as_csv.write_bytes((tmp_path / "b.xlsx").read_bytes())
    _expect_refusal(zip_as_csv, "不是有效的 CSV")
    png = tmp_path / "d.xls"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    _expect_refusal(png, "不是有效的 Excel")
    other = tmp_path / "e.txt"
    other.write_text("姓名\n张三\n", encoding="utf-8")
    _expect_refusal(other, "不支持的文件类型 .txt")


def test_csv_encodings_are_read(tmp_path):
    for name, data in (
        ("bom_gbk.csv", b"\xef\xbb\xbf" + "姓名\n张三\n".encode("gbk")),
        ("utf16.csv", "姓名\n张三\n".encode("utf-16")),
        ("gbk.csv", "姓名\n张三\n".encode("gbk")),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        sheet = read_sheet(path, ALIASES, ("姓名",))
        assert [r.values for r in sheet.rows] == [{"姓名": "张三"}], name


@pytest.mark.slow
def test_entities_and_zip_bombs_are_refused_before_reading(tmp_path):
    good = _sheet(tmp_path / "g.xlsx", ["姓名"], [["张三"]])
    entity = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(entity, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data
            out.writestr(item, data)
    _expect_refusal(entity, "实体")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        out.writestr("xl/sharedStrings_pad.xml", b" " * (MAX_UNPACKED_BYTES + 1))
    assert bomb.stat().st_size < 1_000_000
    _expect_refusal(bomb, "解压后超过")


def test_too_many_rows_are_refused(tmp_path):
    for name, write in (("many.csv", None), ("many.xlsx", _sheet)):
        path = tmp_path / name
        if write is None:
            path.write_text("姓名\n" + "张三\n" * 30, encoding="utf-8")
        else:
            write(path, ["姓名"], [["张三"]] * 30)
        with pytest.raises(SheetError, match="超过一次最多导入的 10 行"):
            read_sheet(path, ALIASES, ("姓名",), max_rows=10)
        assert len(read_sheet(path, ALIASES, ("姓名",), max_rows=30).rows) == 30


def test_cli_shows_one_line_for_a_wrong_file(db_path, tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db_path), "register", "import", str(path)])
    assert result.exit_code == 2
    assert "不是有效的 Excel" in result.output
    assert "Traceback" not in result.output
