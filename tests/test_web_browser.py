"""The console end to end in real headless Chromium (Debian's package, driven by Playwright).

Sign in with a one-time link, approve a pending posting, broadcast it, read the statistics.
Screenshots of the main pages go to artifacts/screenshots/ for the CI run to keep.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import web

from bot.web.app import mount
from bot.web.auth import issue_token, sign_in_path
from models.messages import Channel, DialogKey
from models.posting import Posting, PostingStatus, Trust
from models.register import RegisterEntry
from models.repos.register import RegisterRepo
from models.values import Role

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
TEXT = "西青区张家窝镇招保洁2名 日结180元 早8点到晚5点 电话13800000000 <b>急招</b>"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
)


@pytest.fixture
async def console(services):
    """The console on 127.0.0.1 at a free port, with a caseworker and a pending posting."""
    user = await services.users.get_or_create(DialogKey(Channel.CONSOLE, "cw"), services.clock())
    await services.users.set_role(user.id, Role.CASEWORKER, "西青区", "张家窝驿站")
    staff = await services.users.by_id(user.id)
    posting = Posting(
        id=None, title="保洁员", description=TEXT, original_text=TEXT, district="西青区",
        status=PostingStatus.PENDING, trust=Trust.RELAYED,
    )  # fmt: skip
    pid = await services.postings.add(posting, services.clock())
    root = web.Application()
    mount(root, services)
    runner = web.AppRunner(root, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}", staff, pid
    await runner.cleanup()


async def test_sign_in_approve_broadcast_and_statistics(console, services, tmp_path):
    from playwright.async_api import async_playwright

    base, staff, pid = console
    [person] = await RegisterRepo(services.db).upsert_many(
        [RegisterEntry(id=None, name="张三", phone="13900000000", district="西青区")],
        services.clock(),
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    link = base + sign_in_path(await issue_token(services, staff))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            viewport={"width": 412, "height": 900}, locale="zh-CN",
        )  # fmt: skip
        try:
            page = browser.pages[0] if browser.pages else await browser.new_page()
            await page.goto(link)
            assert page.url == f"{base}/console/"
            card = page.locator(f"#p{pid}")
            await card.get_by_text("<b>急招</b>").wait_for()  # the posting's markup, as text
            await page.screenshot(path=SHOTS / "queue.png", full_page=True)

            await card.get_by_role("button", name="通过").click()
            await page.get_by_role("status").wait_for()
            assert (await services.postings.get(pid)).status is PostingStatus.PUBLISHED

            await page.get_by_role("link", name="岗位", exact=True).click()
            await page.get_by_role("link", name="广播").first.click()
            assert page.url == f"{base}/console/postings/{pid}/broadcast"
            await page.screenshot(path=SHOTS / "broadcast.png", full_page=True)
            # No seeker matches in this fixture: the push button cannot be pressed.
            assert await page.get_by_role("button", name="推送给求职者").is_disabled()
            assert "推送按钮不可用" in await page.content()

            await page.get_by_role("link", name="月度统计").click()
            await page.locator("svg").wait_for()
            assert "西青区" in await page.locator("table").first.inner_text()
            await page.screenshot(path=SHOTS / "stats.png", full_page=True)
            await page.get_by_role("link", name="本区求职者").click()
            await page.screenshot(path=SHOTS / "seekers.png", full_page=True)
            await page.get_by_role("link", name=f"#{person}").first.click()
            await page.locator('input[name="content"]').fill("介绍保洁岗位")
            await page.get_by_role("button", name="记录一次联系").click()
            await page.get_by_role("status").wait_for()
            assert "联系记录（1 条）" in await page.content()
            await page.screenshot(path=SHOTS / "person.png", full_page=True)
            [record] = await services.contacts.for_person(person, None)
            assert (record.method, record.content, record.staff) == (
                "电话",
                "介绍保洁岗位",
                "张家窝驿站",
            )
        finally:
            await browser.close()
    assert (SHOTS / "queue.png").stat().st_size > 5000
