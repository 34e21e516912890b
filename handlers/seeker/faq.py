"""Questions seekers really ask in the middle of the form (你们收费吗, 这是骗子吗, 我要找人工):
answered from the catalogue, after which the dialog re-asks the question it was waiting for.

A small pattern table, tried before a step reads the message: a question is never a form answer.
"""

from __future__ import annotations

import re

from handlers.context import Services, Turn
from handlers.texts import t
from models.messages import Reply
from models.values import Role

# (catalogue key under "faq.", pattern); the first match answers.
_QUESTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("human", re.compile(r"真人|人工|客服人员|找个人|转人工|机器人吗|是机器|human|real person")),
    ("fee", re.compile(r"收费|要钱|花钱|交钱|押金|中介费|免费吗|多少钱一次|free\??$|fee|charge")),
    ("scam", re.compile(r"骗子|骗人|诈骗|靠谱吗|可靠吗|正规吗|是真的吗|scam|fraud|legit")),
    ("station", re.compile(r"驿站在哪|在哪里办|地址|电话多少|联系电话|电话是|怎么联系|"
                           r"where are you|phone number|address")),
    ("age", re.compile(r"岁.{0,10}(?:能|可以|找得到|有没有|要不要).{0,8}(?:吗|么|不|\?|？)|"
                       r"(?:年纪|岁数)大.{0,8}(?:吗|么|要不要|\?|？)|too old")),
)  # fmt: skip


def question_in(text: str) -> str | None:
    """The kind of question a message asks ("fee", "scam", ...), or None for anything else."""
    lowered = text.lower()
    for key, rx in _QUESTIONS:
        if rx.search(lowered):
            return key
    return None


async def answer(turn: Turn, services: Services, key: str, district: str | None) -> str:
    """The answer to a question kind; a request for a person also tells the district's staff."""
    policy = services.policy
    if key == "station":
        return t(
            "faq.station",
            address=policy.station_address or t("faq.station_unknown"),
            phone=policy.station_phone or t("faq.station_unknown"),
        )
    if key == "human":
        await _hand_over(turn, services, district)
    return t(f"faq.{key}")


async def _hand_over(turn: Turn, services: Services, district: str | None) -> int:
    """A notice to the caseworkers of the seeker's district (else all staff), once a day."""
    staff = await services.users.with_role(Role.CASEWORKER)
    local = [u for u in staff if district and u.district == district]
    outbox = services.repos.outbox
    raised = 0
    day = turn.now.date().isoformat()
    for user in local or staff or await services.users.with_role(Role.ADMIN):
        where = district or t("delivery.unknown_district", user.lang)
        text = t(
            "faq.handoff_staff",
            user.lang,
            name=turn.user.display_name or str(turn.user.key),
            district=where,
            text=turn.text[:100],
        )
        key = f"handoff:{turn.user.id}:{user.id}:{day}"
        raised += int(await outbox.add_notice(user.id, key, Reply(text), turn.now))
    return raised
