"""`yizhan import`/`parse`/`template`: good rows in, bad rows reported by number, messy sheets."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.sheets.postings import import_postings
from bot.sheets.template import COLUMNS
from models.posting import PostingStatus, Trust
from models.values import PayUnit

runner = CliRunner()


def write_jsonl(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines),
        encoding="utf-8",
    )
    return path


GOOD = {
    "id": "f-1",
    "title": "仓库分拣员",
    "description": "西青区张家窝物流园，男女不限，18-50岁，日结180，包午饭",
    "contact": "王经理 13812345678",
}


async def test_jsonl_rows_are_imported_and_bad_lines_reported(services, tmp_path, clock):
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            GOOD,
            "{not json",
            ["a", "list"],
            {"id": "f-4", "district": "南开区"},
            {"id": "f-5", "title": "收银员", "pay_min": 4000, "pay_unit": "fortnight"},
            {"id": "f-6", "title": "保安", "pay_min": 6000, "pay_max": 5000, "pay_unit": "month"},
            {"id": "f-7", "title": "文员", "description": "河西区 行政文员 月薪5000 双休",
             "work_form": "稳定就业", "headcount": "2人"},
        ],
    )  # fmt: skip
    report = await import_postings(services, path, source="feed")
    assert (report.rows, report.created, len(report.errors)) == (7, 2, 5)
    assert [n for n, _ in report.errors] == [2, 3, 4, 5, 6]
    reasons = dict(report.errors)
    assert "JSON" in reasons[2]
    assert "缺少岗位名称和岗位描述" in reasons[4]
    assert "pay_unit" in reasons[5]
    assert "最低薪资 6000 高于最高薪资 5000" in reasons[6]

    sorter = await services.postings.by_external_id("f-1")
    assert sorter is not None
    assert (sorter.trust, sorter.status, sorter.source) == (
        Trust.IMPORTED,
        PostingStatus.PUBLISHED,
        "feed",
    )
    assert sorter.district == "西青区"  # read from the description
    assert (sorter.pay.min, sorter.pay.unit, sorter.pay.period) == (180, PayUnit.DAY, "日结")
    assert (sorter.contact, sorter.phones) == ("王经理", ("13812345678",))
    assert sorter.categories[0] == "B"
    assert sorter.expires_at == clock() + timedelta(days=services.policy.gig_expiry_days)
    clerk = await services.postings.by_external_id("f-7")
    assert clerk is not None
    assert (clerk.work_form, clerk.headcount, clerk.district) == ("全职", 2, "河西区")
    assert clerk.expires_at == clock() + timedelta(days=services.policy.job_expiry_days)


async def test_reimporting_an_id_updates_and_never_duplicates(services, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD])
    await import_postings(services, path, source="feed")
    same = await import_postings(services, path, source="feed")
    assert (same.created, same.updated, same.unchanged) == (0, 0, 1)
    changed = {**GOOD, "description": GOOD["description"].replace("日结180", "日结200")}
    again = await import_postings(services, write_jsonl(path, [changed]), source="feed")
    assert (again.created, again.updated) == (0, 1)
    rows = await services.db.fetchall("SELECT id FROM postings")
    assert len(rows) == 1
    posting = await services.postings.by_external_id("f-1")
    assert posting is not None
    assert posting.pay.min == 200


async def test_the_same_job_under_two_ids_is_merged_once(services, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD, {**GOOD, "id": "f-2"}])
    first = await import_postings(services, path, source="feed")
    assert (first.created, first.duplicates) == (1, 1)
    second = await import_postings(services, path, source="feed")
    assert (second.created, second.duplicates, second.unchanged) == (0, 0, 2)
    posting = await services.postings.by_external_id("f-1")
    assert posting is not None
    assert posting.seen_count == 2
    assert [s for s, _ in await services.postings.sources(posting.id or 0)] == [
        "import:feed#f-1",
        "import:feed#f-2",
    ]


async def test_risky_rows_are_held(services, tmp_path):
    risky = {"id": "r-1", "title": "打字员", "description": "在家手机打字 日赚300 先交198元培训费"}
    report = await import_postings(
        services, write_jsonl(tmp_path / "r.jsonl", [risky]), source="x"
    )
    assert report.held == 1
    posting = await services.postings.by_external_id("r-1")
    assert posting is not None
    assert posting.status == PostingStatus.PENDING


async def test_a_csv_with_the_template_headers_in_gbk(services, tmp_path):
    path = tmp_path / "jobs.csv"
    text = (
        "编号,岗位名称,岗位描述,区,最低薪资,最高薪资,薪资单位,用工形式,联系方式,招聘人数\n"
        "C1,保洁员,商场保洁 早8晚5,河西,3500,4000,元/月,全职,李姐 022-23456789,3\n"
        ",,,,,,,,,\n"
        "C2,搬运工,今天下午搬家 干完就结,南开区,200,,天,零工,13900001111,若干\n"
    )
    path.write_bytes(text.encode("gb18030"))
    report = await import_postings(services, path, source="csv")
    assert (report.rows, report.created, report.errors) == (2, 2, [])
    cleaner = await services.postings.by_external_id("C1")
    assert cleaner is not None
    assert (cleaner.district, cleaner.pay.min, cleaner.pay.max, cleaner.pay.unit) == (
        "河西区",
        3500,
        4000,
        PayUnit.MONTH,
    )
    assert (cleaner.contact, cleaner.phones, cleaner.headcount) == ("李姐", ("022-23456789",), 3)
    mover = await services.postings.by_external_id("C2")
    assert mover is not None
    assert (mover.pay.unit, mover.work_form, mover.headcount) == (PayUnit.DAY, "零工", None)


def _sheet(path: Path, header: list[str], rows: list[list[object]]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return book


async def test_a_sheet_with_wrong_headers_is_reported_and_imports_nothing(services, tmp_path):
    path = tmp_path / "wrong.xlsx"
    _sheet(path, ["名称", "说明", "钱"], [["保洁", "河西区保洁", 3000]])
    report = await import_postings(services, path, source="x")
    assert report.created == 0
    assert len(report.errors) == 1
    assert report.errors[0][0] == 0
    assert "岗位名称" in report.errors[0][1]


async def test_merged_cells_empty_rows_and_bad_rows_in_one_sheet(services, tmp_path):
    path = tmp_path / "messy.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["西青区零工岗位汇总（2026年11月）"])
    sheet.merge_cells("A1:F1")  # a title above the header
    sheet.append(["编号", "岗位名称", "岗位描述", "区", "最低薪资", "薪资单位"])
    sheet.append(["M1", "保洁", "商场保洁", "西青区", 180, "元/天"])
    sheet.append(["M2", "搬运工", "仓库搬运", None, 220, "元/天"])
    sheet.append(["M3", "厨工", "食堂帮厨", None, 5000, "元/月"])
    sheet.merge_cells("D3:D5")  # 区 written once for three rows
    sheet.append([None] * 6)  # an empty row
    sheet.append(["以下岗位长期有效"] * 6)
    sheet.merge_cells("A7:F7")  # a note across the sheet
    sheet.append(["M4", None, None, "西青区", 100, "元/天"])  # no title, no description
    sheet.append(["M5", "装卸工", "码头装卸", "西青区", "两百五", "工"])
    book.save(path)
    report = await import_postings(services, path, source="messy")
    assert report.created == 4
    assert [n for n, _ in report.errors] == [7, 8]
    assert "合并单元格" in dict(report.errors)[7]
    for external_id in ("M1", "M2", "M3"):
        posting = await services.postings.by_external_id(external_id)
        assert posting is not None
        assert posting.district == "西青区"
    loader = await services.postings.by_external_id("M5")
    assert loader is not None
    assert (loader.pay.min, loader.pay.unit) == (250, PayUnit.DAY)


@pytest.mark.slow
async def test_ten_thousand_rows_with_bad_ones_among_them(services, tmp_path):
    rng = random.Random(42)
    titles = ["保洁", "搬运工", "服务员", "普工", "快递分拣", "厨工", "保安", "收银员", "装卸工"]
    places = ["西青区", "南开区", "河西区", "东丽区", "津南区", "北辰区", "武清区", "滨海新区"]
    rows: list[list[object]] = []
    for i in range(10_000):
        title, place = rng.choice(titles), rng.choice(places)
        unit = "元/天" if i % 997 else "两周"  # ten rows with a unit nobody can read
        extra = rng.choice(["包午饭", "双休", "五险"])
        text = f"{place}{i}号 {title}{i % 7 + 1}名 {extra}"
        rows.append([f"B{i}", title, text, place, rng.randint(150, 300), unit, f"139{i:08d}"])
    path = tmp_path / "big.xlsx"
    book = openpyxl.Workbook(write_only=True)  # write-only: 10,000 rows in well under a second
    sheet = book.create_sheet()
    sheet.append(["编号", "岗位名称", "岗位描述", "区", "最低薪资", "薪资单位", "联系方式"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    report = await import_postings(services, path, source="big")
    bad = [i + 2 for i in range(10_000) if i % 997 == 0]
    assert [n for n, _ in report.errors] == bad
    assert report.created == 10_000 - len(bad)
    count = await services.db.fetchone("SELECT COUNT(*) AS n FROM postings")
    assert count is not None
    assert count["n"] == report.created


def test_cli_import_prints_row_errors_and_a_summary(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [GOOD, "{oops", {"id": "x"}])
    db = tmp_path / "cli.db"
    result = runner.invoke(app, ["--db", str(db), "import", str(feed), "--source", "feed"])
    assert result.exit_code == 0, result.output
    assert "第 2 行" in result.output
    assert "第 3 行：缺少岗位名称和岗位描述" in result.output
    assert "新增 1" in result.output
    assert "出错 2" in result.output
    again = runner.invoke(app, ["--db", str(db), "import", str(feed)])
    assert "未变 1" in again.output
    missing = runner.invoke(app, ["--db", str(db), "import", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2


def test_cli_pending_lists_held_postings(tmp_path):
    risky = {"id": "r-1", "title": "打字员", "description": "在家手机打字 日赚300 先交198元培训费"}
    db = tmp_path / "cli.db"
    runner.invoke(
        app, ["--db", str(db), "import", str(write_jsonl(tmp_path / "r.jsonl", [risky]))]
    )
    result = runner.invoke(app, ["--db", str(db), "pending"])
    assert result.exit_code == 0
    assert "打字员" in result.output
    assert "向求职者收费" in result.output


@pytest.mark.slow  # 31 s at load 11: `yizhan parse` loads the model to read trades by meaning
def test_cli_parse_writes_one_line_per_input_and_errors_for_bad_ones():
    lines = [
        json.dumps({"id": "g1", "text": "急招！西青区 搬家 4人 日结300 明早7点 电话13920001111"}),
        "{bad json",
        json.dumps({"id": "g3"}),
        json.dumps(
            {"id": "g4", "text": "招保洁2名，日结150；另招厨工1名，月薪5000，电话13800002222"}
        ),
        json.dumps({"id": "g5", "text": "在家打字 刷单返利 先交198元 电话13100001111"}),
    ]
    result = runner.invoke(
        app, ["parse", "--now", "2026-11-23T10:00:00+08:00"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 5
    first = out[0]
    for key in ("id", "title", "description", "district", "address", "pay_min", "pay_max",
                "pay_unit", "work_form", "contact", "headcount", "age_min", "age_max", "gender",
                "benefits", "phones", "start", "risk", "categories", "confidence"):  # fmt: skip
        assert key in first, key
    assert (first["id"], first["district"], first["headcount"]) == ("g1", "西青区", 4)
    assert (first["pay_min"], first["pay_unit"]) == (300, "day")
    assert first["start"] == "2026-11-24T07:00:00+08:00"
    assert first["phones"] == ["13920001111"]
    assert out[1]["line"] == 2
    assert "error" in out[1]
    assert out[2]["id"] == "g3"
    assert "error" in out[2]
    assert [j["title"] for j in out[3]["jobs"]] == ["保洁", "厨工"]
    assert out[4]["risk"]["score"] >= 0.5
    assert any("刷单" in r for r in out[4]["risk"]["reasons"])


def test_cli_parse_reads_a_file(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "招保洁 河西区 时薪25"}])
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.output)["pay_unit"] == "hour"


def test_cli_parse_reads_short_district_names_of_the_city_given(tmp_path):
    posts = [
        {"id": "gz", "text": "招文员 1名 番禺CBD核心区域 月薪5000"},
        {"id": "sz", "text": "招文员 1名 南山科技园 月薪5000", "city": "深圳"},
        {"id": "tj", "text": "招保洁 2名 西青 日结150"},
    ]
    path = write_jsonl(tmp_path / "in.jsonl", posts)
    plain = runner.invoke(app, ["parse", "--keywords-only", str(path)])
    assert plain.exit_code == 0, plain.output
    districts = [json.loads(line)["district"] for line in plain.output.splitlines()]
    assert districts == [None, "南山区", "西青区"]  # the line's own city counts
    result = runner.invoke(app, ["parse", "--keywords-only", "--city", "广州", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["district"] for o in out] == ["番禺区", "南山区", None]  # 西青 is Tianjin's


async def test_the_template_has_chinese_headers_notes_and_imports_as_is(services, tmp_path):
    path = tmp_path / "postings.xlsx"
    result = runner.invoke(app, ["template", str(path)])
    assert result.exit_code == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["招聘岗位", "填写说明"]
    header = [c.value for c in book["招聘岗位"][1]]
    assert header[:4] == ["编号", "岗位名称", "岗位描述", "区"]
    assert len(header) == len(COLUMNS)
    notes = [row[0] for row in book["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert set(header) <= set(notes)
    report = await import_postings(services, path, source="template")
    assert (report.rows, report.created, report.errors) == (0, 0, [])  # no data rows
    filled = tmp_path / "example.xlsx"
    assert runner.invoke(app, ["template", str(filled), "--example"]).exit_code == 0
    report = await import_postings(services, filled, source="template")
    assert report.created == 0
    assert report.errors == [(2, "示例行（编号以“示例”开头），未导入")]
    book = openpyxl.load_workbook(filled)
    book["招聘岗位"]["A2"] = "XQ-001"  # the caseworker's own row in the example's shape
    book.save(filled)
    report = await import_postings(services, filled, source="template")
    assert (report.created, report.errors) == (1, [])
    example = await services.postings.by_external_id("XQ-001")
    assert example is not None
    assert (example.district, example.headcount, example.work_form) == ("西青区", 10, "零工")
