"""`yizhan demo`, delivery part: an employer posts a gig in chat and matching seekers get it.

Two more sample seekers join the onboarding stage's one (a neighbour who also cleans, and a
courier across town who should not get a cleaning job); the employer's post goes through the
real intake flow, is published, and the dispatcher pushes it through the console sender. The
onboarding seeker then taps 感兴趣 and gets the full contact.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.console.adapter import ConsoleSession, render
from bot.channels.console.sender import ConsoleSender
from bot.cli.chat import DEMO_USER, DemoContext
from bot.delivery.dispatcher import Dispatcher
from handlers.context import Services
from handlers.router import handle
from handlers.seeker.feedback import stats_reply
from handlers.services.publishing import close_posting
from handlers.texts import t
from models.messages import Channel, DialogKey, Incoming
from models.seeker import SeekerProfile
from models.values import Pay, PayUnit, WorkForm

DEMO_EMPLOYER = "demo-employer"
DEMO_POST = "明天西青区商场保洁，招4人，日结200，早8点到下午5点，电话13812345678 王先生"
DEMO_CONFIRM = "确认"
# (console user, districts, category codes, pay floor per day, wish)
SAMPLE_SEEKERS = (
    ("demo-neighbour", ("西青区",), ("A",), 150.0, "西青区找保洁，日结"),
    ("demo-courier", ("南开区",), ("C",), 250.0, "南开区送外卖，骑电动车"),
)


async def _sample_seekers(services: Services) -> None:
    """Create the extra sample seekers afresh (a rerun starts from the same state)."""
    now = services.clock()
    for name, districts, codes, floor, wish in SAMPLE_SEEKERS:
        key = DialogKey(Channel.CONSOLE, name)
        old = await services.users.get(key)
        if old is not None:
            await services.seekers.delete_personal_data(old.id)
            if services.matcher is not None:
                await services.matcher.seeker_changed(old.id)
        user = await services.users.get_or_create(key, now)
        profile = SeekerProfile(
            user_id=user.id,
            work_form=WorkForm.FLEXIBLE,
            categories=codes,
            pay=Pay(floor, None, PayUnit.DAY, period="日结"),
            districts=districts,
            max_km=10.0,
            consent=True,
            wish=wish,
            quiet_start=0,  # the demo runs at any hour: these seekers set no quiet hours
            quiet_end=0,
            completed_at=now,
        )
        await services.seekers.save(profile, now)
        if services.matcher is not None:
            await services.matcher.seeker_changed(user.id)


async def _quiet_hours_off(services: Services, name: str) -> None:
    user = await services.users.get(DialogKey(Channel.CONSOLE, name))
    profile = await services.seekers.get(user.id) if user is not None else None
    if user is not None and profile is not None:
        await services.seekers.save(profile.with_(quiet_start=0, quiet_end=0), services.clock())


async def _employer_posts(ctx: DemoContext) -> int | None:
    """The employer sends the gig in chat and confirms it; returns the published posting id."""
    services = ctx.services
    employer = ConsoleSession(services, DEMO_EMPLOYER)
    user = await services.users.get(employer.key)
    if user is not None:  # a rerun: end the last demo post so this one is not a repost
        await services.dialogs.clear(user.id)
        for old in await services.postings.by_poster(user.id):
            if old.id is not None:
                await close_posting(services, old.id, "demo_rerun")
    for line in (DEMO_POST, DEMO_CONFIRM):
        await _say(ctx.out, t("delivery.demo.employer", "zh"), employer, line)
    user = await services.users.get(employer.key)
    posted = await services.postings.by_poster(user.id) if user is not None else []
    return posted[0].id if posted and posted[0].status == "published" else None


async def _say(out: Callable[[str], None], who: str, session: ConsoleSession, line: str) -> None:
    out(f"{who}> {line}")
    lang = await session.lang()
    for reply in await session.send(line):
        out(f"{t('console.bot', lang)}> {render(reply, lang)}")
    out("")


async def delivery_stage(ctx: DemoContext) -> None:
    """An employer posts a gig in chat; the dispatcher pushes it; the seeker taps 感兴趣."""
    services = ctx.services
    if services.matcher is None:
        ctx.out(t("delivery.demo.no_matcher", services.policy.default_lang))
        return
    await _sample_seekers(services)
    await _quiet_hours_off(services, DEMO_USER)
    posting_id = await _employer_posts(ctx)
    if posting_id is None:
        ctx.out(t("delivery.demo.not_published", services.policy.default_lang))
        return
    sender = ConsoleSender(ctx.out)
    await Dispatcher(services, {Channel.CONSOLE: sender}).run_until_idle()
    reached = [address for address, _ in sender.sent]
    ctx.out(t("delivery.demo.reached", "zh", n=len(reached), who="、".join(reached) or "—"))
    pushed = next((reply for address, reply in sender.sent if address == DEMO_USER), None)
    if pushed is not None and pushed.choices:
        interested = pushed.choices[0]  # 感兴趣: the seeker taps the push's first button
        ctx.out(f"{t('demo.seeker', 'zh')}> [{interested.label}]")
        tap = Incoming(ctx.seeker.key, payload=interested.payload)
        for reply in await handle(tap, services):
            ctx.out(f"{t('console.bot', 'zh')}> {render(reply)}")
        ctx.out("")
    ctx.out(render(await stats_reply(services, posting_id)))
    ctx.out("")
