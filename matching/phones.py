"""The one phone-number rule: finding phones in a post and hiding them in anything pushed.

People write numbers to get past filters or just as they speak: 138.0011.2201, 138/0011/2201,
(022)2658-3301, 138~0011~2201, 1 3 8 0 0 1 1 2 2 0 1, +86 138…, 86-138…, 一三八零零一一二二零一.
A *run* is digits (Arabic, full-width or Chinese 零〇一…九幺) joined by at most three separator
characters; within a run, consecutive digit groups whose digits form a mobile (11 digits from
13x-19x), a landline (0 + area code + 7-8 digits) or a 400/800 number are one phone. Groups are
never split, nor joined across scripts (Arabic digits with Chinese ones), so a pay range
"4500-6000", "8000-12000 五险" or an 18-digit id is no phone. Linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGIT = {
    **{str(d): str(d) for d in range(10)},
    **{chr(0xFF10 + d): str(d) for d in range(10)},
    **dict(
        zip("零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖", "001234567891123456789", strict=True)
    ),
}
_D = "".join(_DIGIT)
_HAN = frozenset("零〇一二三四五六七八九幺壹贰叁肆伍陆柒捌玖")
_SEP = r" \t.\-/~()（）·_+—－~"
_RUN = re.compile(rf"(?<![{_D}*xX])[{_D}](?:[{_SEP}]{{0,3}}[{_D}])*(?![{_D}*xX])")
_GROUP = re.compile(rf"[{_D}]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"[48]00\d{7}")
# Area codes: 010 and 02x have three digits, every other one four (国内长途区号).
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d{2})([2-9]\d{6,7})")
# A local 7-8 digit number right after 电话/手机 (no area code; 8 digits alone may be a date): not
# a phone the parser keeps, but masked all the same.
_LOCAL = re.compile(r"((?:电话|手机|热线|联系|tel)[^\d\n]{0,6})\d{3,4}[\s-]?(\d{4})(?!\d)", re.I)
_LONGEST = 14  # 0086 + 10 digits; longer group sequences are no phone


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone in text: normalised value, kind and the [start, end) span it was written in."""

    value: str
    kind: str  # "mobile", "landline", "service"
    span: tuple[int, int]


def _read(digits: str) -> tuple[str, str] | None:
    """(value, kind) when a digit string is one whole phone number."""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :], "mobile"
    if _MOBILE.fullmatch(digits):
        return digits, "mobile"
    if _SERVICE.fullmatch(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}", "service"
    if m := _LANDLINE.fullmatch(digits):
        return f"{m[1]}-{m[2]}", "landline"
    return None


def find_phone_spans(text: str) -> list[Phone]:
    """Every phone written in the text, in order (duplicates kept: masking needs each span)."""
    found: list[Phone] = []
    for run in _RUN.finditer(text):
        groups = [
            (g.start(), g.end(), "".join(_DIGIT[c] for c in g.group()), g.group()[0] in _HAN)
            for g in _GROUP.finditer(run.group())
        ]
        i = 0
        while i < len(groups):
            best = _reading(groups, i)
            if best is None:
                i += 1
                continue
            # "18-42 188 0033 7054": a reading that leaves the next group unread, where one
            # starting inside it reads on, was misaligned (the age range 18-42 is no phone).
            for k in range(i + 1, best[0] + 1):
                later = _reading(groups, k)
                if later is not None and later[0] > best[0]:
                    i, best = k, later
                    break
            j, value, kind = best
            start, end = run.start() + groups[i][0], run.start() + groups[j][1]
            if start and text[start - 1] in "(（+":
                start -= 1  # "(022)2658-3301", "+86…": the sign belongs to the number
            found.append(Phone(value, kind, (start, end)))
            i = j + 1
    return found


def _reading(groups: list[tuple[int, int, str, bool]], i: int) -> tuple[int, str, str] | None:
    """(last group, value, kind) of the longest phone read from group `i` on, if any."""
    best: tuple[int, str, str] | None = None
    digits = ""
    for j in range(i, len(groups)):
        if groups[j][3] != groups[i][3]:
            break  # one phone is written in one script: "8000-12000 五险" is no 800 number
        digits += groups[j][2]
        if len(digits) > _LONGEST:
            break
        if read := _read(digits):
            best = (j, *read)
    return best


def find_phones(text: str) -> list[str]:
    """The distinct phone numbers of a text, normalised (13800112201, 022-26583301), in order."""
    return list(dict.fromkeys(p.value for p in find_phone_spans(text)))


def _masked(phone: Phone) -> str:
    digits = phone.value.replace("-", "")
    if phone.kind == "landline":
        area = phone.value.split("-")[0]
        return f"{area}-****{digits[-4:]}"
    if phone.kind == "service":
        return f"{digits[:3]}-***-{digits[-4:]}"
    return f"{digits[:3]}****{digits[-4:]}"


def mask_phones(text: str) -> str:
    """Hide the middle digits of every phone however it is written (138****2201)."""
    out: list[str] = []
    pos = 0
    for phone in find_phone_spans(text):
        out.append(text[pos : phone.span[0]])
        out.append(_masked(phone))
        pos = phone.span[1]
    out.append(text[pos:])
    return _LOCAL.sub(r"\1****\2", "".join(out))
