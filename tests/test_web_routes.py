"""Routes of the caseworker web console (issue 9) through aiohttp's test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import openpyxl
import pytest
from aiohttp import web

from bot.web.app import mount
from bot.web.auth import COOKIE, SESSION_HOURS, TOKEN_MINUTES, NotStaff, issue_token
from handlers.texts import t
from matching.engine import Matcher
from models.delivery import ContactRecord
from models.messages import Channel, DialogKey
from models.posting import Posting, PostingStatus, Trust
from models.register import REACHED, RegisterEntry
from models.repos.register import RegisterRepo
from models.timeutil import local
from models.values import Pay, PayUnit, Role
from tests.delivery_builders import make_posting, make_seeker

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def _staff(services, name="cw", role=Role.CASEWORKER):
    user = await services.users.get_or_create(DialogKey(Channel.CONSOLE, name), services.clock())
    await services.users.set_role(user.id, role, "西青区", "驿站")
    return await services.users.by_id(user.id)


async def _pending(services, title="保洁员", text="西青区招保洁 日结180 电话13800000000"):
    posting = Posting(
        id=None, title=title, description=text, original_text=text, district="西青区",
        status=PostingStatus.PENDING, trust=Trust.RELAYED, risk_score=0.6,
        risk_reasons=("fee:押金",),
    )  # fmt: skip
    return await services.postings.add(posting, services.clock())


@pytest.fixture
async def client(aiohttp_client, services):
    root = web.Application()
    mount(root, services)
    return await aiohttp_client(root)


async def _sign_in(client, services, user):
    token = await issue_token(services, user)
    response = await client.get(f"/console/login?token={token}", allow_redirects=False)
    assert response.status == 303
    return response


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def _audit(services, action):
    return [e for e in await services.audit.recent(200) if e.action == action]


async def test_sign_in_sets_a_strict_http_only_cookie_and_the_link_works_once(client, services):
    user = await _staff(services)
    token = await issue_token(services, user)
    response = await client.get(f"/console/login?token={token}", allow_redirects=False)
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert COOKIE in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    page = await client.get("/console/")
    assert page.status == 200
    assert "待审核" in await page.text()
    client.session.cookie_jar.clear()
    again = await client.get(f"/console/login?token={token}", allow_redirects=False)
    assert again.status == 403
    assert [e.allowed for e in await _audit(services, "web:signin")] == [False, True]


async def test_refused_without_a_session(client, services):
    for path in ("/console/", "/console/postings", "/console/seekers", "/console/stats"):
        response = await client.get(path)
        assert response.status == 401, path
    response = await client.post("/console/postings/1/approve", data={"csrf": "x"})
    assert response.status == 401
    assert len(await _audit(services, "web:no_session")) == 5


async def test_link_and_session_expire(client, services, clock):
    user = await _staff(services)
    stale = await issue_token(services, user)
    clock.advance(minutes=TOKEN_MINUTES + 1)
    refused = await client.get(f"/console/login?token={stale}", allow_redirects=False)
    assert refused.status == 403
    await _sign_in(client, services, user)
    assert (await client.get("/console/")).status == 200
    clock.advance(hours=SESSION_HOURS, minutes=1)
    assert (await client.get("/console/")).status == 401


async def test_non_staff_get_no_link_and_lose_the_session_with_the_role(client, services):
    seeker = await services.users.get_or_create(DialogKey(Channel.CONSOLE, "s"), services.clock())
    with pytest.raises(NotStaff):
        await issue_token(services, seeker)
    user = await _staff(services)
    await _sign_in(client, services, user)
    await services.users.set_role(user.id, Role.SEEKER)
    assert (await client.get("/console/")).status == 401


async def test_bad_csrf_token_is_refused_and_changes_nothing(client, services):
    pid = await _pending(services)
    await _sign_in(client, services, await _staff(services))
    for data in ({"csrf": "forged"}, {}):
        response = await client.post(f"/console/postings/{pid}/approve", data=data)
        assert response.status == 403
    assert (await services.postings.get(pid)).status is PostingStatus.PENDING
    assert len(await _audit(services, "web:csrf")) == 2
    assert await _audit(services, "moderation:approve") == []


async def test_approve_and_verify_change_the_posting_and_are_audited(client, services):
    pid = await _pending(services)
    user = await _staff(services)
    await _sign_in(client, services, user)
    csrf = _csrf(await (await client.get("/console/")).text())
    response = await client.post(f"/console/postings/{pid}/verify", data={"csrf": csrf})
    assert response.status == 200  # followed the 303 back to the queue
    assert "已核实" in await response.text() or f"#{pid}" in await response.text()
    assert (await services.postings.get(pid)).trust is Trust.VERIFIED
    response = await client.post(f"/console/postings/{pid}/approve", data={"csrf": csrf})
    assert response.status == 200
    page = await response.text()
    assert "押金" in page  # the risk reason, repeated before approving
    assert (await services.postings.get(pid)).status is PostingStatus.PENDING
    assert await _audit(services, "moderation:approve") == []
    response = await client.post(
        f"/console/postings/{pid}/approve", data={"csrf": _csrf(page), "confirm": "1"}
    )
    assert response.status == 200
    assert (await services.postings.get(pid)).status is PostingStatus.PUBLISHED
    for action in ("moderation:verify", "moderation:approve"):
        entries = await _audit(services, action)
        assert [(e.actor, e.target) for e in entries] == [(str(user.key), str(pid))]


async def test_reject_and_edit_go_through_moderation(client, services):
    pid = await _pending(services)
    await _sign_in(client, services, await _staff(services))
    csrf = _csrf(await (await client.get("/console/")).text())
    await client.post(
        f"/console/postings/{pid}/edit", data={"csrf": csrf, "field": "工资", "value": "日结200"}
    )
    assert (await services.postings.get(pid)).pay.min == 200
    await client.post(f"/console/postings/{pid}/reject", data={"csrf": csrf, "reason": "收押金"})
    assert (await services.postings.get(pid)).status is PostingStatus.REJECTED
    assert (await _audit(services, "moderation:reject"))[0].detail == "收押金"


async def test_every_page_renders_for_phones(client, services):
    pid = await _pending(services)
    await _sign_in(client, services, await _staff(services))
    for path in ("/console/", "/console/postings", "/console/seekers", "/console/stats",
                 f"/console/postings/{pid}/broadcast"):  # fmt: skip
        response = await client.get(path)
        assert response.status == 200, path
        html = await response.text()
        assert 'name="viewport"' in html
        assert "驿站工作台" in html
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_posting_text_is_escaped(client, services):
    pid = await _pending(services, title=XSS, text=XSS)
    await _sign_in(client, services, await _staff(services))
    for path in ("/console/", "/console/postings", f"/console/postings/{pid}/broadcast"):
        html = await (await client.get(path)).text()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


async def test_broadcast_publishes_and_is_audited(client, services):
    pid = await _pending(services)
    user = await _staff(services)
    await services.postings.update(
        (await services.postings.get(pid)).with_(trust=Trust.VERIFIED), services.clock()
    )
    await _sign_in(client, services, user)
    page = await (await client.get(f"/console/postings/{pid}/broadcast")).text()
    response = await client.post(
        f"/console/postings/{pid}/broadcast", data={"csrf": _csrf(page), "target": "seekers"}
    )
    assert response.status == 200
    assert (await services.postings.get(pid)).status is PostingStatus.PUBLISHED
    sent = await _audit(services, "broadcast:send")
    assert sent[0].allowed
    assert sent[0].actor == str(user.key)


async def test_statistics_page_chart_and_downloads(client, services, clock):
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    await _pending(services)
    await _sign_in(client, services, await _staff(services))
    html = await (await client.get("/console/stats?month=2026-11")).text()
    assert "<svg" in html
    assert "西青区" in html
    assert "登记失业人员下发人数" in html
    assert "各区于每月25日前上报截至当月20日的情况" in html
    response = await client.get("/console/stats.xlsx?month=2026-11")
    assert response.status == 200
    assert (await response.read())[:2] == b"PK"  # a zip: xlsx
    contacts = await client.get("/console/contacts.xlsx?month=2026-11")
    assert (await contacts.read())[:2] == b"PK"
    assert [e.detail for e in await _audit(services, "web:export:stats")] == ["2026-11"]


async def test_caseworker_downloads_hold_only_their_district(client, services, tmp_path):
    repo = RegisterRepo(services.db)
    people = [RegisterEntry(id=None, name=n, phone=p, district=d) for n, p, d in
              (("西青甲", "13800000001", "西青区"),
               ("南开乙", "13800000002", "南开区"))]  # fmt: skip
    ids = await repo.upsert_many(people, datetime(2026, 10, 1, tzinfo=UTC))
    for entry_id in ids:
        await services.contacts.add(ContactRecord(
            id=None, user_id=None, register_id=entry_id, at=datetime(2026, 11, 10, tzinfo=UTC),
            method="电话", content="回访", staff="小王", outcome=REACHED))  # fmt: skip
    await _sign_in(client, services, await _staff(services))
    data = await (await client.get("/console/stats.xlsx?month=2026-11")).read()
    (tmp_path / "stats.xlsx").write_bytes(data)
    sheet = openpyxl.load_workbook(tmp_path / "stats.xlsx").active
    assert sheet.cell(3, 2).value == "登记失业人员下发人数"
    assert [sheet.cell(r, 1).value for r in range(5, sheet.max_row)] == ["西青区", "合计"]
    assert [sheet.cell(5, c).value for c in range(2, 7)] == [1, 0, 1, 0, 1]
    data = await (await client.get("/console/contacts.xlsx?month=2026-11")).read()
    (tmp_path / "contacts.xlsx").write_bytes(data)
    names = [c.value for c in openpyxl.load_workbook(tmp_path / "contacts.xlsx").active["B"]]
    assert "西青甲" in names
    assert "南开乙" not in names
    assert "13800000002" not in str(names)


async def test_logout_ends_the_session(client, services):
    await _sign_in(client, services, await _staff(services))
    csrf = _csrf(await (await client.get("/console/stats")).text())
    response = await client.post("/console/logout", data={"csrf": csrf})
    assert response.status == 200
    assert (await client.get("/console/stats")).status == 401


async def test_cookie_is_secure_behind_the_https_proxy(client, services):
    token = await issue_token(services, await _staff(services))
    response = await client.get(
        f"/console/login?token={token}",
        allow_redirects=False,
        headers={"X-Forwarded-Proto": "https"},
    )
    assert response.status == 303
    assert "Secure" in response.headers["Set-Cookie"]
    plain = await issue_token(services, await _staff(services, "cw2"))
    direct = await client.get(f"/console/login?token={plain}", allow_redirects=False)
    assert "Secure" not in direct.headers["Set-Cookie"]


async def test_signed_in_404s_have_the_csp_and_huge_ids_are_404(client, services):
    await _sign_in(client, services, await _staff(services))
    for path in ("/console/nowhere", "/console/postings/99999999999999999999999/broadcast",
                 "/console/postings/99999/broadcast"):  # fmt: skip
        response = await client.get(path)
        assert response.status == 404, path
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_postings_filters_detail_expiry_and_an_empty_reach(client, services, clock):
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    old = await _pending(services, title="过期零工")
    live = await _pending(services, title="在招保洁")
    async with services.db.transaction() as tx:
        for pid, expires in ((old, datetime(2026, 11, 20, tzinfo=UTC)),
                             (live, datetime(2026, 12, 20, tzinfo=UTC))):  # fmt: skip
            await services.postings.set_status_in(tx, pid, PostingStatus.PUBLISHED, clock())
            await services.postings.set_expiry_in(tx, pid, expires, clock())
    await _sign_in(client, services, await _staff(services))
    html = await (await client.get("/console/postings")).text()
    row = html[html.index("过期零工") :].split("</tr>")[0]
    assert "已过期" in row
    assert "招聘中" not in row
    expired_only = await (await client.get("/console/postings?expiry=expired")).text()
    assert "过期零工" in expired_only
    assert "在招保洁" not in expired_only
    assert "在招保洁" in await (await client.get("/console/postings?status=published")).text()
    assert "在招保洁" not in await (await client.get("/console/postings?district=南开区")).text()
    detail = await client.get(f"/console/postings/{live}")
    assert detail.status == 200
    assert "在招保洁" in await detail.text()
    page = await (await client.get(f"/console/postings/{live}/broadcast")).text()
    assert "<button disabled>" in page  # nobody matches: 推送给求职者 cannot be pressed
    assert "推送按钮不可用" in page


async def test_follow_up_work_in_the_browser(client, services, clock):
    clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    repo = RegisterRepo(services.db)
    [mine, theirs] = await repo.upsert_many(
        [RegisterEntry(id=None, name="西青甲", phone="13800000001", district="西青区"),
         RegisterEntry(id=None, name="南开乙", phone="13800000002", district="南开区")],
        datetime(2026, 10, 1, tzinfo=UTC),
    )  # fmt: skip
    await _sign_in(client, services, await _staff(services))
    assert (await client.get(f"/console/people/{theirs}")).status == 404  # not my district
    page = await (await client.get(f"/console/people/{mine}")).text()
    csrf = _csrf(page)
    for _ in range(2):
        sent = await client.post(f"/console/people/{mine}/log", data={
            "csrf": csrf, "date": "2026-11-21", "method": "电话", "content": "",
            "unreached": "1"}, allow_redirects=False)  # fmt: skip
        assert sent.status == 303
    seekers = await (await client.get("/console/seekers")).text()
    assert "2026-11-21（联系不到）" in seekers  # failed tries shown
    visit = {"csrf": csrf, "date": "2026-11-22", "method": "上门", "content": "介绍保洁岗位"}
    await client.post(f"/console/people/{mine}/log", data=visit)
    await client.post(f"/console/people/{mine}/employed", data={"csrf": csrf, "way": "灵活就业"})
    page = await (await client.get(f"/console/people/{mine}")).text()
    assert "联系记录（3 条）" in page
    assert "介绍保洁岗位" in page
    assert "已就业" in page
    person = await repo.get(mine)
    assert (person.status.value, person.status_detail, person.failed_attempts) == (
        "employed", "灵活就业", 2)  # fmt: skip
    records = await services.contacts.for_person(mine, None)
    assert [local(r.at).strftime("%m-%d") for r in records] == ["11-22", "11-21", "11-21"]
    future = await client.post(f"/console/people/{mine}/log", data={
        "csrf": csrf, "date": "2027-01-01", "method": "电话"}, allow_redirects=False)  # fmt: skip
    assert future.status == 303
    assert len(await services.contacts.for_person(mine, None)) == 3
    await client.post(f"/console/people/{mine}/close", data={"csrf": csrf, "reason": "已退休"})
    assert (await repo.get(mine)).status.value == "closed"


async def test_import_in_the_browser_reports_every_row(client, services, tmp_path):
    await _sign_in(client, services, await _staff(services))
    page = await (await client.get("/console/import")).text()
    csrf = _csrf(page)
    path = tmp_path / "r.xlsx"
    book = openpyxl.Workbook()
    for row in (["姓名", "联系电话", "所属区"], ["西青甲", "13800000001", "西青区"],
                ["南开乙", "13800000002", "南开区"], ["坏电话", "123", "西青区"]):  # fmt: skip
        book.active.append(row)
    book.save(path)

    def upload(check: bool) -> dict:
        form = {"csrf": csrf, "kind": "register", "file": path.open("rb")}
        return {**form, "check": "1"} if check else form

    checked = await (await client.post("/console/import", data=upload(True))).text()
    assert "未写入" in checked
    assert "将新增 1" in checked
    assert "不是本区" in checked  # 南开乙: another district's person
    assert "联系电话格式不对" in checked
    assert await RegisterRepo(services.db).in_district() == []
    done = await (await client.post("/console/import", data=upload(False))).text()
    assert "新增 1" in done
    assert [p.name for p in await RegisterRepo(services.db).in_district()] == ["西青甲"]
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    wrong = await client.post("/console/import", data={
        "csrf": csrf, "kind": "postings", "file": bad.open("rb")})  # fmt: skip
    assert wrong.status == 400
    assert "不是有效的 Excel" in await wrong.text()


async def test_the_broadcast_page_counts_who_the_push_bars_left_out(
    client, services, encoder, tmp_path
):
    await make_seeker(services, "near")
    await make_seeker(services, "picky", pay=Pay(230, None, PayUnit.DAY))  # the gig pays 200
    services.matcher = await Matcher.open(services.db, encoder, tmp_path / "index", phrases=t)
    pid = await make_posting(services)
    await _sign_in(client, services, await _staff(services))
    page = await (await client.get(f"/console/postings/{pid}/broadcast")).text()
    assert "未通过推送条件、不推送 1 人：工资低于期望 1 人。" in page
