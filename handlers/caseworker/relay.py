"""Caseworker relay: a post seen in a WeChat group, forwarded or pasted to the bot.

Same parse and confirm as an employer's post (handlers/employer/posting.py), recorded with trust
"relayed", the original text kept and, when given, the group it came from (源群). A caseworker
may name the group in the command ("转发 西青零工群") or in a line of the paste
("源群：西青零工群").
"""

from __future__ import annotations

from handlers.context import Services, Turn
from handlers.employer.post_draft import split_source
from handlers.employer.posting import Draft, Mode, Step, looks_like_post, save_draft, start_draft
from handlers.routing import Command, Router
from handlers.texts import t
from matching.bridge import run_blocking
from models.messages import Reply

MAX_GROUP = 40  # characters kept of a group name


async def relay_command(turn: Turn, services: Services) -> list[Reply]:
    """转发 [源群]: the post follows on the next lines or in the next message."""
    body = turn.text.strip()
    head, _, rest = body.partition("\n")
    words = head.split(maxsplit=1)
    group = words[1].strip()[:MAX_GROUP] if len(words) > 1 else None
    if group and looks_like_post(group):  # at most MAX_GROUP characters
        rest, group = f"{group}\n{rest}".strip(), None  # "转发 急招保洁…" on one line
    found, rest = split_source(rest)
    group = found or group
    if rest.strip():
        return await start_draft(turn, services, rest, mode=Mode.RELAY, source=group)
    await save_draft(turn, services, Draft(Mode.RELAY, source=group), Step.WAIT_TEXT)
    return [Reply(t("intake.relay.ask", group=group or t("intake.relay.no_group")))]


async def relay_fallback(turn: Turn, services: Services) -> list[Reply] | None:
    """A caseworker's pasted post, outside any dialog, is a relay."""
    if not turn.user.is_staff or not turn.text:
        return None
    group, text = split_source(turn.text)
    if not await run_blocking(looks_like_post, text):
        return None
    return await start_draft(turn, services, text, mode=Mode.RELAY, source=group)


router = Router("relay")
router.fallback(relay_fallback)  # included before the employer's post fallback
router.command(
    Command(
        "relay",
        ("relay", "转发", "转发招聘", "代发"),
        relay_command,
        staff_only=True,
        help_key="intake.help.relay",
    )
)
