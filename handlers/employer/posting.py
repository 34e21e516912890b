"""The employer's post in chat: one free-text message → a parsed draft → confirm → published.

A message that looks like a job post ("明天西青区搬家，招4人，日结300，电话138…") from someone
outside any dialog starts the flow (a caseworker's starts the relay variant,
handlers/caseworker/relay.py). The bot answers with the draft as a card, asks only about missing or
unsure essentials (district, pay, headcount; a pay the parser reads two ways is one question, "工资
按哪个算？"), then offers 确认发布 / 修改 / 取消; "去掉第2个" drops one job of several. Confirmed
posts go through intake: held for a caseworker (moderation, risk) or published and pushed. See
handlers/employer/posting.mmd.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from handlers import language
from handlers.context import Services, Turn
from handlers.employer import post_draft
from handlers.payloads import PostButton
from handlers.routing import Command, Router
from handlers.services.cards import pay_text
from handlers.services.intake import Stored, store
from handlers.texts import t
from matching.admin_divisions import away_from_tianjin, home_city
from matching.bridge import run_blocking
from matching.districts import nearest_district
from matching.landmarks import find_landmark
from matching.normalize import normalize_text
from matching.parser import ParsedPost, parse_post, to_posting
from matching.pay import find_pay
from matching.post_fields import find_headcount, find_phones
from matching.push_rules import is_held
from matching.taxonomy import label
from models.messages import Choice, Reply
from models.posting import PostingStatus, Trust
from models.repos.dialogs import DialogState
from models.values import Role

FLOW = "employer_post"
VERSION = 1
PREFIX = PostButton.prefix  # button payloads "post:confirm", "post:negotiable"
MAX_TRIES = 2  # an essential asked twice without a usable answer is left open
_HIRE = re.compile(
    r"招聘|急招|诚聘|招工|招人|急需|招募|聘请|招(?=[\u4e00-\u9fff]{1,8}?\d)|招\S{0,10}[名人]"
)
_CONFIRM_WORDS = (
    "确认",
    "确认发布",
    "发布",
    "确定",
    "确定发布",
    "发吧",
    "发",
    "发布吧",
    "可以发",
    "可以发了",
    "就这样",
    "没问题",
    "好",
    "好的",
    "是",
    "对",
    "ok",
    "yes",
    "confirm",
)
_EDIT_WORDS = ("改", "修改", "更改", "编辑", "修改草稿", "change", "edit")
_CANCEL_WORDS = ("取消", "算了", "不发了", "不发", "放弃", "cancel")


class Step(StrEnum):
    """Where the draft stands."""

    WAIT_TEXT = "wait_text"  # 发布零工 without a post: waiting for it
    ASK = "ask"  # asking one missing essential
    CONFIRM = "confirm"  # card shown: 确认发布 / 修改 / 取消
    EDIT = "edit"  # waiting for "字段 值" or a whole new post


class Mode(StrEnum):
    """Who posts: an employer for themselves, or a caseworker relaying a group post."""

    EMPLOYER = "employer"
    RELAY = "relay"


@dataclass(frozen=True, slots=True)
class Draft:
    """The dialog state's data, typed."""

    mode: Mode
    jobs: tuple[ParsedPost, ...] = ()
    original: str = ""
    source: str | None = None  # the group a caseworker relays from (源群)
    asking: tuple[int, str] | None = None
    tries: int = 0
    skipped: tuple[str, ...] = ()  # "0:pay": essentials the poster left open

    def to_data(self) -> dict[str, Any]:
        """JSON for the dialog state."""
        return {
            "mode": self.mode.value,
            "jobs": [post_draft.to_state(j) for j in self.jobs],
            "original": self.original,
            "source": self.source,
            "asking": list(self.asking) if self.asking else None,
            "tries": self.tries,
            "skipped": list(self.skipped),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        """Inverse of `to_data`."""
        asking = data.get("asking")
        return cls(
            mode=Mode(data.get("mode", Mode.EMPLOYER.value)),
            jobs=tuple(post_draft.from_state(j) for j in data.get("jobs", [])),
            original=str(data.get("original", "")),
            source=data.get("source"),
            asking=(int(asking[0]), str(asking[1])) if asking else None,
            tries=int(data.get("tries", 0)),
            skipped=tuple(data.get("skipped", [])),
        )


def looks_like_post(text: str) -> bool:
    """A hiring word plus pay, a headcount or a phone: "招4人 日结300", "急招保洁 电话138…"."""
    norm = normalize_text(text)
    if len(norm) < 6 or not _HIRE.search(norm):
        return False
    return bool(find_pay(norm) or find_headcount(norm) or find_phones(norm))


async def start_draft(
    turn: Turn, services: Services, text: str, *, mode: Mode, source: str | None = None
) -> list[Reply]:
    """Parse a post and show the draft, asking for what is missing."""
    if mode == Mode.RELAY:
        group, text = post_draft.split_source(text)
        source = group or source
    # Read as a local reader in the station's city reads it (its districts' short forms).
    jobs = await run_blocking(parse_post, text, turn.now, city=services.policy.service_area)
    if services.matcher is not None:  # the trade by meaning too; its doubt becomes a question
        jobs = await services.matcher.read_trades(jobs)
    if not jobs or not any(j.title or j.pay.known or j.phones for j in jobs):
        await save_draft(turn, services, Draft(mode, source=source), Step.WAIT_TEXT)
        return [Reply(t("intake.not_a_post"))]
    draft = Draft(mode, tuple(jobs), original=text, source=source)
    return await _next(turn, services, draft, show_card=True)


async def _next(turn: Turn, services: Services, draft: Draft, *, show_card: bool) -> list[Reply]:
    """Ask the next open essential, or show the card for confirmation."""
    for index, job in enumerate(draft.jobs):
        for field in post_draft.essentials_missing(job):
            if f"{index}:{field}" in draft.skipped:
                continue
            asking = replace(draft, asking=(index, field), tries=0)
            await save_draft(turn, services, asking, Step.ASK)
            replies = [Reply(post_draft.card(list(draft.jobs)))] if show_card else []
            return [*replies, _question(index, field, len(draft.jobs), job)]
    await save_draft(turn, services, replace(draft, asking=None), Step.CONFIRM)
    return [_confirm_card(draft)]


def _question(index: int, field: str, total: int, job: ParsedPost) -> Reply:
    which = t("intake.ask.which", n=index + 1, title=job.title or "") if total > 1 else ""
    skip = Choice(t("word.skip"), PostButton("skip").pack())
    if field == "district":
        return Reply(which + t("intake.ask.district"), (skip,), request_location=True)
    if field == "pay" and job.pay_doubt is not None:
        # The readings are the first buttons, so WeChat's typed "2" is the second reading.
        first, second = (pay_text(p) or "？" for p in post_draft.pay_readings(job))
        readings = (
            Choice(f"1 {first}", PostButton("reading", "1").pack()),
            Choice(f"2 {second}", PostButton("reading", "2").pack()),
        )
        text = t("intake.ask.pay_doubt", first=first, second=second)
        return Reply(which + text, (*readings, skip))
    if field == "pay":
        choices = (
            Choice(t("intake.choice.negotiable"), PostButton("negotiable").pack()),
            skip,
        )
        return Reply(which + t("intake.ask.pay"), choices)
    if field == "trade":
        # The options are the first buttons, so WeChat's typed "2" (the second choice) is option 2.
        options = tuple(
            Choice(f"{n} {label(code, language.current())}", PostButton("trade", code).pack())
            for n, code in enumerate(job.trade_options, start=1)
        )
        text = t("intake.ask.trade", options=post_draft.trade_options_text(job))
        return Reply(which + text, (*options, skip))
    if field == "headcount":
        # No number buttons: WeChat turns a typed "5" into the fifth choice, not five people.
        return Reply(which + t("intake.ask.headcount"))
    return Reply(which + t("intake.ask.title"), (skip,))


def _confirm_card(draft: Draft) -> Reply:
    key = "intake.confirm.relay" if draft.mode == Mode.RELAY else "intake.confirm.ask"
    text = post_draft.card(list(draft.jobs)) + "\n\n" + t(key)
    choices = (
        Choice(t("intake.choice.confirm"), PostButton("confirm").pack()),
        Choice(t("intake.choice.edit"), PostButton("edit").pack()),
        Choice(t("intake.choice.cancel"), PostButton("cancel").pack()),
    )
    return Reply(text, choices)


async def save_draft(turn: Turn, services: Services, draft: Draft, step: Step) -> None:
    """Keep the draft in the dialog state at `step`."""
    await services.dialogs.save(
        turn.user.id, DialogState(FLOW, VERSION, step.value, draft.to_data()), turn.now
    )


def _draft(turn: Turn) -> Draft:
    return Draft.from_data(turn.state.data if turn.state else {})


# --- steps --------------------------------------------------------------------------------------


async def wait_text(turn: Turn, services: Services) -> list[Reply]:
    """The post itself, after 发布零工."""
    if _is(turn.text, _CANCEL_WORDS):
        return await cancel(turn, services)
    draft = _draft(turn)
    if not turn.text:
        return [Reply(t("intake.ask.post"))]
    return await start_draft(turn, services, turn.text, mode=draft.mode, source=draft.source)


async def ask(turn: Turn, services: Services) -> list[Reply]:
    """An answer to the open essential; a whole new post replaces the draft."""
    draft = _draft(turn)
    if _is(turn.text, _CANCEL_WORDS):
        return await cancel(turn, services)
    if draft.asking is None:
        return await _next(turn, services, draft, show_card=False)
    if _is(turn.text, _CONFIRM_WORDS):
        return await _skip_all(turn, services, draft)  # publish as it is
    if _is(turn.text, _EDIT_WORDS):
        return await begin_edit(turn, services)
    if (number := post_draft.parse_removal(turn.text)) is not None:
        return await remove_job(turn, services, number)
    if len(turn.text) > 15 and await run_blocking(looks_like_post, turn.text):
        return await start_draft(turn, services, turn.text, mode=draft.mode, source=draft.source)
    index, field = draft.asking
    job = draft.jobs[index]
    updated: ParsedPost | None = None
    city = services.policy.service_area
    home = home_city(city)
    if field == "district" and turn.msg.location is not None:
        district = nearest_district(turn.msg.location.lat, turn.msg.location.lon, home)
        updated = replace(job, district=district, confidence={**job.confidence, "district": 1.0})
    elif turn.text:
        updated = post_draft.answer(job, field, turn.text, turn.now, city=city)
        landmarks = field == "district" and updated is None and not away_from_tianjin(home)
        place = find_landmark(turn.text) if landmarks else None
        if place is not None:  # "天津站那块": a landmark names its district
            confidence = {**job.confidence, "district": 1.0}
            updated = replace(job, district=place.district, confidence=confidence)
    if updated is None:
        if draft.tries + 1 >= MAX_TRIES:
            return await _skip(turn, services, draft)
        await save_draft(turn, services, replace(draft, tries=draft.tries + 1), Step.ASK)
        question = _question(index, field, len(draft.jobs), job)
        return [Reply(t("intake.ask.again") + question.text, question.choices,
                      request_location=question.request_location)]  # fmt: skip
    return await _next(turn, services, _with_job(draft, index, updated), show_card=False)


async def confirm(turn: Turn, services: Services) -> list[Reply]:
    """确认 / 改 / 取消 typed instead of tapped; a new post replaces the draft."""
    text = turn.text
    if _is(text, _CONFIRM_WORDS):
        return await submit(turn, services)
    if _is(text, _EDIT_WORDS):
        return await begin_edit(turn, services)
    if _is(text, _CANCEL_WORDS):
        return await cancel(turn, services)
    if (number := post_draft.parse_removal(text)) is not None:
        return await remove_job(turn, services, number)
    if post_draft.parse_edit(text) is not None:
        return await edit(turn, services)
    draft = _draft(turn)
    if await run_blocking(looks_like_post, text):
        return await start_draft(turn, services, text, mode=draft.mode, source=draft.source)
    return [Reply(t("intake.confirm.unclear")), _confirm_card(draft)]


async def begin_edit(turn: Turn, services: Services) -> list[Reply]:
    """修改: say how to change a field."""
    await save_draft(turn, services, _draft(turn), Step.EDIT)
    return [Reply(t("intake.edit.how"))]


async def edit(turn: Turn, services: Services) -> list[Reply]:
    """ "工资 日结220", "2 人数 5", or a whole new post."""
    draft = _draft(turn)
    if _is(turn.text, _CANCEL_WORDS):
        return await cancel(turn, services)
    if _is(turn.text, _CONFIRM_WORDS):
        return await _next(turn, services, draft, show_card=False)
    if (number := post_draft.parse_removal(turn.text)) is not None:
        return await remove_job(turn, services, number)
    parsed = post_draft.parse_edit(turn.text)
    if parsed is None:
        if await run_blocking(looks_like_post, turn.text):
            return await start_draft(
                turn, services, turn.text, mode=draft.mode, source=draft.source
            )
        return [Reply(t("intake.edit.unclear"))]
    number, field, value = parsed
    index = (number or 1) - 1
    if not 0 <= index < len(draft.jobs):
        return [Reply(t("intake.edit.no_job", n=number or 1))]
    updated = post_draft.edit(
        draft.jobs[index], field, value, turn.now, city=services.policy.service_area
    )
    if updated is None:
        return [Reply(t("intake.edit.bad_value", value=value[:30]))]
    return await _next(turn, services, _with_job(draft, index, updated), show_card=False)


async def remove_job(turn: Turn, services: Services, number: int) -> list[Reply]:
    """ "去掉第4个": drop one job and show the rest; removing the only job left cancels."""
    draft = _draft(turn)
    index = number - 1
    if not 0 <= index < len(draft.jobs):
        return [Reply(t("intake.edit.no_job", n=number))]
    title = draft.jobs[index].title or "？"
    if len(draft.jobs) == 1:
        await services.dialogs.clear(turn.user.id)
        return [Reply(t("intake.removed_last", title=title))]
    jobs = draft.jobs[:index] + draft.jobs[index + 1 :]
    skipped = tuple(_renumbered(s, index) for s in draft.skipped if _job_of(s) != index)
    rest = replace(draft, jobs=jobs, skipped=skipped, asking=None, tries=0)
    note = Reply(t("intake.removed", n=number, title=title, left=len(jobs)))
    return [note, *await _next(turn, services, rest, show_card=True)]


def _job_of(skipped: str) -> int:
    return int(skipped.partition(":")[0])


def _renumbered(skipped: str, removed: int) -> str:
    """ "3:pay" after job 1 (index) was removed is "2:pay": later jobs move up by one."""
    index, _, field = skipped.partition(":")
    return f"{int(index) - 1 if int(index) > removed else int(index)}:{field}"


async def cancel(turn: Turn, services: Services) -> list[Reply]:
    """取消: drop the draft."""
    await services.dialogs.clear(turn.user.id)
    return [Reply(t("intake.cancelled"))]


async def _skip(turn: Turn, services: Services, draft: Draft) -> list[Reply]:
    if draft.asking is None:
        return await _next(turn, services, draft, show_card=False)
    index, field = draft.asking
    skipped = replace(draft, skipped=(*draft.skipped, f"{index}:{field}"), asking=None)
    return await _next(turn, services, skipped, show_card=False)


async def _skip_all(turn: Turn, services: Services, draft: Draft) -> list[Reply]:
    skipped = tuple(
        f"{i}:{f}" for i, job in enumerate(draft.jobs) for f in post_draft.essentials_missing(job)
    )
    return await _next(turn, services, replace(draft, skipped=skipped), show_card=False)


def _with_job(draft: Draft, index: int, job: ParsedPost) -> Draft:
    jobs = list(draft.jobs)
    jobs[index] = job
    return replace(draft, jobs=tuple(jobs), tries=0)


def _is(text: str, words: tuple[str, ...]) -> bool:
    return text.strip().lower().rstrip("!！。.") in words


# --- submit -------------------------------------------------------------------------------------


async def submit(turn: Turn, services: Services) -> list[Reply]:
    """确认发布: store every job (dedup, risk), then publish or hold; the poster is an employer."""
    draft = _draft(turn)
    relay = draft.mode == Mode.RELAY
    trust = Trust.RELAYED if relay else Trust.EMPLOYER
    source = (
        (f"relay:{draft.source}" if draft.source else "relay")
        if relay
        else (f"chat:{turn.user.channel.value}")
    )
    moderate = services.policy.moderation and not relay
    await services.dialogs.clear(turn.user.id)
    if not relay and turn.user.role == Role.SEEKER:
        await services.users.set_role(turn.user.id, Role.EMPLOYER)
    lines: list[str] = []
    mine: list[int] = []
    for job in draft.jobs:
        posting = to_posting(
            job, trust=trust, now=turn.now, source=source, poster_user_id=turn.user.id
        )
        posting = posting.with_(original_text=draft.original or job.original)
        # No readable trade: a caseworker decides who it is for, instead of a guess pushing it.
        unread = not job.categories
        stored = await store(
            services, posting, source=source, now=turn.now, moderate=moderate or unread,
            exclude=mine,
        )  # fmt: skip
        mine.append(stored.posting_id)
        if relay:  # a caseworker's relay is a staff action: audited like moderation
            await services.audit.record(
                str(turn.msg.key), "relay:submit", allowed=True, now=turn.now,
                target=str(stored.posting_id), detail=source,
            )  # fmt: skip
        lines.append(await _outcome(services, stored, job.title, staff=relay, unread=unread))
    lines.append(t("intake.done.footer"))
    return [Reply("\n".join(lines))]


async def _outcome(
    services: Services, stored: Stored, title: str, *, staff: bool, unread: bool
) -> str:
    if stored.duplicate is not None:
        return t("intake.done.duplicate", id=stored.posting_id, title=title)
    if stored.held:
        key = "intake.done.held"
        if is_held(stored.risk.score, services.policy):
            key = "intake.done.held_risk"
        elif unread:
            key = "intake.done.held_trade"
        text = t(key, id=stored.posting_id, title=title)
        if staff and stored.risk.reasons:
            text += "\n" + t("intake.done.reasons", reasons=risk_text(stored.risk.reasons))
        return text
    if stored.status != PostingStatus.PUBLISHED:
        return t("intake.done.saved", id=stored.posting_id, title=title)
    return t("intake.done.published", id=stored.posting_id, title=title, n=stored.reach)


def risk_text(reasons: tuple[str, ...]) -> str:
    """Stored risk reasons ("fee:押金") as catalogue sentences, joined."""
    out = []
    for reason in reasons:
        code, _, detail = reason.partition(":")
        out.append(t(f"risk.{code}", detail=detail))
    return "；".join(out)


# --- buttons, fallback, commands ----------------------------------------------------------------


async def post_button(turn: Turn, services: Services) -> list[Reply]:
    """The draft's buttons; a stale button (no draft open) says so."""
    if turn.state is None or turn.state.flow != FLOW:
        return [Reply(t("intake.stale"))]
    button = PostButton.unpack(turn.msg.payload)
    head = button.action if button else ""
    draft = _draft(turn)
    if head == "confirm":
        return await submit(turn, services)
    if head == "edit":
        return await begin_edit(turn, services)
    if head == "cancel":
        return await cancel(turn, services)
    if head == "skip":
        return await _skip(turn, services, draft)
    if draft.asking is not None and head == "trade" and button and button.arg:
        index, _field = draft.asking
        job = post_draft.with_trade(draft.jobs[index], button.arg)
        return await _next(turn, services, _with_job(draft, index, job), show_card=False)
    if draft.asking is not None and head == "negotiable":
        index, _field = draft.asking
        job = post_draft.with_negotiable_pay(draft.jobs[index])
        return await _next(turn, services, _with_job(draft, index, job), show_card=False)
    if draft.asking is not None and head == "reading" and button and button.arg:
        index, _field = draft.asking
        chosen = post_draft.with_pay_reading(draft.jobs[index], int(button.arg))
        if chosen is not None:
            return await _next(turn, services, _with_job(draft, index, chosen), show_card=False)
    return await _next(turn, services, draft, show_card=False)


async def post_fallback(turn: Turn, services: Services) -> list[Reply] | None:
    """A job post sent outside any dialog starts a draft (a caseworker's becomes a relay)."""
    if not turn.text or not await run_blocking(looks_like_post, turn.text):
        return None
    mode = Mode.RELAY if turn.user.is_staff else Mode.EMPLOYER
    return await start_draft(turn, services, turn.text, mode=mode)


async def post_command(turn: Turn, services: Services) -> list[Reply]:
    """发布零工: parse the post given with the command, or wait for it."""
    rest = _after_command(turn.text)
    mode = Mode.RELAY if turn.user.is_staff else Mode.EMPLOYER
    if rest:
        return await start_draft(turn, services, rest, mode=mode)
    await save_draft(turn, services, Draft(mode), Step.WAIT_TEXT)
    return [Reply(t("intake.ask.post"))]


def _after_command(text: str) -> str:
    parts = re.split(r"\s+", text.strip(), maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


class EmployerFlow:
    """The draft dialog (employer posts and caseworker relays share it)."""

    name = FLOW
    version = VERSION

    async def handle(self, turn: Turn, services: Services) -> list[Reply]:
        """Run the step the draft is at; an older version's state starts over."""
        state = turn.state
        if state is None or state.version != VERSION or state.step not in STEPS:
            await services.dialogs.clear(turn.user.id)
            return [Reply(t("intake.ask.post"))]
        return await STEPS[Step(state.step)](turn, services)


STEPS = {
    Step.WAIT_TEXT: wait_text,
    Step.ASK: ask,
    Step.CONFIRM: confirm,
    Step.EDIT: edit,
}


def owns_option(turn: Turn) -> bool:
    """The draft card's own options (确认发布 / 修改 / 取消, 去掉第N个) while the card waits."""
    state = turn.state
    if state is None or state.step == Step.WAIT_TEXT:
        return False
    if post_draft.parse_removal(turn.text) is not None:
        return True
    if state.step == Step.EDIT:
        return _is(turn.text, _CANCEL_WORDS)
    return _is(turn.text, (*_CONFIRM_WORDS, *_EDIT_WORDS, *_CANCEL_WORDS))


router = Router("employer")
router.flow(EmployerFlow(), owns=owns_option)
router.payload(PREFIX, post_button)
router.fallback(post_fallback)
router.command(
    Command(
        "post",
        ("post", "发布零工", "发布招聘", "我要招人"),
        post_command,
        help_key="intake.help.post",
    )
)
