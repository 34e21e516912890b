"""What a pushed job looks like: the job card, the digest, and the contact shown on 感兴趣.

Privacy: a poster's phone numbers are masked (138****5678) everywhere a posting is pushed, in
the description too; the full contact goes only to a seeker who taps 感兴趣 (DESIGN.md: "phone
numbers of posters are masked in anything broadcast").
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from handlers import language
from handlers.payloads import Feedback, FeedbackKind
from handlers.texts import t
from matching.phones import mask_phones
from models.messages import Choice, Reply
from models.posting import Posting, Trust
from models.values import Pay, PayUnit

# A card shows the start of the description; the full post is one tap (感兴趣) away.
DESCRIPTION_CHARS = 80
REASON_CHARS = 40  # a digest entry's reason, to keep six entries inside WeChat's 2,048 bytes


def _amount(value: float) -> str:
    return f"{value:g}"


def pay_text(pay: Pay) -> str | None:
    """Pay as stated (面议 stays 面议), e.g. "200 元/天（日结）"; None when nothing is stated."""
    if not pay.known:
        return t("delivery.pay.negotiable") if pay.negotiable else None
    low, high = pay.min, pay.max
    if low is not None and high is not None and high != low:
        amount = f"{_amount(low)}-{_amount(high)}"
    else:
        amount = _amount(low if low is not None else high or 0.0)
    unit = pay.unit or PayUnit.MONTH
    text = t(f"delivery.pay.{unit.value}", amount=amount)
    return t("delivery.pay.period", pay=text, period=pay.period) if pay.period else text


def place_text(posting: Posting) -> str | None:
    """District and address, as far as known."""
    parts = [p for p in (posting.district, posting.address) if p]
    return mask_phones(" ".join(parts)) if parts else None


def contact_text(posting: Posting, masked: bool) -> str | None:
    """The contact person and phones; masked for pushes, in full for an interested seeker."""
    parts = [posting.contact or "", *posting.phones]
    text = " ".join(p for p in parts if p).strip()
    if not text:
        return None
    return mask_phones(text) if masked else text


def stored_id(posting: Posting) -> int:
    """The id of a posting read from storage (cards and buttons need one)."""
    if posting.id is None:
        raise ValueError("a stored posting has an id")
    return posting.id


def feedback_choices(posting_id: int) -> tuple[Choice, ...]:
    """感兴趣 / 不感兴趣 / 已找到工作 for one posting."""
    return tuple(
        Choice(t(f"delivery.choice.{kind}"), Feedback(posting_id, kind).pack())
        for kind in (FeedbackKind.INTERESTED, FeedbackKind.NOT, FeedbackKind.FOUND)
    )


def job_card(posting: Posting, reason: str, verified_badge: bool = True) -> Reply:
    """One pushed job: title, pay, place, masked contact, the match reason and the buttons."""
    head, tail = _card_body(posting, language.current(), verified_badge)
    lines = [*head]
    if reason:
        lines.append(t("delivery.card.reason", reason=reason))
    lines.extend(tail)
    return Reply("\n".join(lines), feedback_choices(stored_id(posting)))


@functools.lru_cache(maxsize=512)
def _card_body(
    posting: Posting, lang: str, verified_badge: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lines of a card that do not depend on the seeker (cached: one posting, many pushes)."""
    badge = ""
    if verified_badge and (posting.trust == Trust.VERIFIED or posting.verified_at is not None):
        badge = t("delivery.card.badge", lang)
    lines = [f"{badge}{mask_phones(posting.title)}"]
    pay = pay_text(posting.pay)
    if pay:
        lines.append(t("delivery.card.pay", lang, pay=pay))
    place = place_text(posting)
    if place:
        lines.append(t("delivery.card.place", lang, place=place))
    extra = []
    if posting.headcount:
        extra.append(t("delivery.card.headcount", lang, n=posting.headcount))
    if posting.start:
        extra.append(t("delivery.card.start", lang, start=posting.start))
    if extra:
        lines.append(" · ".join(extra))
    description = mask_phones(posting.description.strip())
    if description:
        cut = description[:DESCRIPTION_CHARS]
        lines.append(cut + ("…" if len(description) > DESCRIPTION_CHARS else ""))
    contact = contact_text(posting, masked=True)
    if contact:
        lines.append(t("delivery.card.contact", lang, contact=contact))
    tail = (t("delivery.card.safety", lang),) if _needs_safety_line(posting) else ()
    return tuple(lines), tail


def digest_card(entries: Sequence[tuple[Posting, str]]) -> Reply:
    """Several jobs in one message, one 感兴趣 button each (numbered like the list)."""
    lines = [t("delivery.digest.header", n=len(entries))]
    choices = []
    for n, (posting, reason) in enumerate(entries, start=1):
        parts = [mask_phones(posting.title)]
        parts += [p for p in (posting.district, pay_text(posting.pay)) if p]
        lines.append(t("delivery.digest.item", n=n, line=" · ".join(parts)))
        if reason:
            short = reason[:REASON_CHARS] + ("…" if len(reason) > REASON_CHARS else "")
            lines.append("   " + t("delivery.card.reason", reason=short))
        choices.append(
            Choice(
                t("delivery.choice.item_interested", n=n),
                Feedback(stored_id(posting), FeedbackKind.INTERESTED).pack(),
            )
        )
    if any(_needs_safety_line(p) for p, _ in entries):
        lines.append(t("delivery.card.safety"))
    lines.append(t("delivery.digest.footer"))
    return Reply("\n".join(lines), tuple(choices))


def _needs_safety_line(posting: Posting) -> bool:
    """Relayed or imported posts, and any with a risk signal, carry the no-fees warning."""
    return posting.risk_score > 0 or posting.trust in (Trust.RELAYED, Trust.IMPORTED)
