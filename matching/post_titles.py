"""Job titles in posts and where each job of a multi-job message begins.

A title is read, in order of trust, from a label (岗位：…), from the words right before a headcount
("物流仓库分拣 10名"), from the words after 招/招聘, from a known title of the taxonomy, and last
from the message's first phrase. Each job of "招保洁2名…另招厨工1名…" starts at its title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from matching.districts import TIANJIN_DISTRICTS, find_districts
from matching.pay_words import PAY_LEAD
from matching.post_fields import Found, find_headcounts
from matching.taxonomy import CATEGORIES

_LABEL = re.compile(
    r"(?:招聘岗位|岗位名称|岗位|职位名称|职位|工种|招聘职位)\s*[:：]\s*(?P<t>[\u4e00-\u9fffA-Za-z0-9/]{2,16})"
)
_AFTER_HIRE = re.compile(
    r"(?:招聘|急招|诚聘|急聘|高薪招聘|招募|聘请|急需|招|聘)\s*[:：]?\s*(?P<t>[\u4e00-\u9fffA-Za-z/]{2,16})"
)
_SEPARATOR = re.compile(
    r"(?:另招|还招|同时招|另需|另外招|再招|兼招|另聘|另外还需|也招|也要|还要|另要)\s*[:：]?\s*"
)
# The words before a headcount, with a qualifier in brackets ("普工(包装) 20名").
_RUN_BEFORE = re.compile(r"[\u4e00-\u9fffA-Za-z/]+(?:\([\u4e00-\u9fffA-Za-z/]{1,8}\))?\s?$")
_RUN_AFTER = re.compile(r"[\u4e00-\u9fffA-Za-z/]+")
# A list line or item whose job wants "若干" instead of a number ("小工 若干 一天230", "裁剪2名、
# 整烫3名、包装工若干"): a job of its own when other jobs of the message have headcounts.
_MANY_LINE = re.compile(
    r"(?m)(?:^|(?<=[、，,；;）)]))[ \t]*(?:\d{1,2}\s*[.、)]|[①-⑩])?[ \t]*"
    r"(?P<t>[\u4e00-\u9fff/]{1,10})[ \t]*(?:若干|多名|数名)"
)
# Words that introduce a job rather than name it; the title is what follows the last of them.
_HIRE_WORDS = (
    "招聘",
    "急招",
    "诚聘",
    "急聘",
    "招募",
    "聘请",
    "急需",
    "需要",
    "找个",
    "招",
    "聘",
    "找",
    "需",
    "要",
    "缺",
)
_LEADING = re.compile(
    r"^(?:某|本|急|现|今天|今日|明天|明早|明晚|今晚|后天|大后天|下周.|本周.|这周.|周.|"
    r"早上|上午|下午|晚上|夜班(?=保安)|高薪|长期|临时)+"
)
_TRAILING = re.compile(r"(?:若干|数|多|共|等|各)$")
_NOT_TITLES = frozenset({
    "男工", "女工", "缺人", "人手", "长期", "短期", "临时", "人员", "员工", "工人",
    "名额", "若干", "多名", "数名",
    "我们", "本店", "本公司", "公司", "老板", "附近", "男女", "男女不限", "不限", "限男",
    "限女", "男性", "女性", "宝妈", "学生", "包吃住", "包住", "包吃", "日结", "月结",
    "周结", "面议", "兼职", "全职", "急招", "招聘", "夫妻", "夫妻工", "每人", "共计",
    "合计", "需要", "要求", "地址", "电话", "联系", "工资", "薪资", "待遇", "福利",
    "岗位", "职位",
    # time words a run before "一人150" can be made of ("明天一天 一人300")
    "一天", "一晚", "一早", "当天", "每天", "全天", "半天", "白天", "晚上", "夜里",
})  # fmt: skip
_NOT_IN_TITLE = re.compile(
    r"日结|周结|月结|现结|高薪|轻松|包吃|包住|工资|薪|电话|联系|微信|面议|不限|以上|名额"
)
_PLACE_END = re.compile(r"(?:区|县|市|镇|街|路|村|附近|一带|周边|园区|工业园)$")
_KNOWN_TITLES = sorted(
    {t for c in CATEGORIES.values() for t in c.titles if len(t) >= 2}, key=len, reverse=True
)
_KNOWN = re.compile("|".join(re.escape(t) for t in _KNOWN_TITLES)) if _KNOWN_TITLES else None
_FIRST_PHRASE = re.compile(r"[\u4e00-\u9fffA-Za-z/]{2,16}")
# A known title right before its figure, a pay word between them at most ("木工 一天480").
_TITLE_BEFORE_PAY = (
    re.compile(rf"(?P<t>{_KNOWN.pattern})[\s:：]*{PAY_LEAD}?[\s:：]*$")
    if _KNOWN is not None
    else None
)
_DISTRICT_PREFIXES = tuple(
    sorted({*TIANJIN_DISTRICTS, *(d[:-1] for d in TIANJIN_DISTRICTS)}, key=len, reverse=True)
)


@dataclass(frozen=True, slots=True)
class JobAnchor:
    """Where one job of a message begins: its title and headcount."""

    title: str
    start: int  # where the title starts
    end: int  # end of the title (and its headcount)
    headcount: Found | None


def clean_title(raw: str) -> str | None:
    """A title from the words around a headcount or after 招, or None when they name no job."""
    text = raw.strip()
    for word in _HIRE_WORDS:
        pos = text.rfind(word)
        if pos >= 0 and pos + len(word) < len(text) and not _is_part_of_title(text, pos, word):
            text = text[pos + len(word) :]
    for _ in range(3):
        before = text
        text = _LEADING.sub("", text)
        for prefix in _DISTRICT_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        text = _TRAILING.sub("", text).strip(" /")
        if text == before:
            break
    if not 2 <= len(text) <= 12 or text in _NOT_TITLES or _PLACE_END.search(text):
        return None
    if _NOT_IN_TITLE.search(text):
        return None
    if find_districts(text) and len(text) <= 4:
        return None  # "塘沽", "西青" alone are places
    return text


def _is_part_of_title(text: str, pos: int, word: str) -> bool:
    # 招商专员, 招生老师 are titles; "需" inside 需求 is not a hire word.
    follow = text[pos + len(word) : pos + len(word) + 1]
    return (word == "招" and follow in ("商", "生")) or (word == "需" and follow == "求")


def find_title(norm: str, headcount_span: tuple[int, int] | None) -> tuple[str, float]:
    """The title of a single-job text with its confidence; "" (0.0) if nothing looks like one."""
    if m := _LABEL.search(norm):
        title = clean_title(m.group("t"))
        if title:
            return title, 0.95
    if headcount_span is not None:
        run = _RUN_BEFORE.search(norm[: headcount_span[0]])
        if run and (title := clean_title(run.group())):
            return title, 0.85
    for m in _AFTER_HIRE.finditer(norm):
        title = clean_title(m.group("t"))
        if title:
            return title, 0.75
    if _KNOWN is not None and (m := _KNOWN.search(norm)):
        return m.group(), 0.6
    for m in _FIRST_PHRASE.finditer(norm):
        title = clean_title(m.group())
        if title:
            return title, 0.3
    return "", 0.0


def job_anchors(norm: str, pay_starts: Sequence[int] = ()) -> list[JobAnchor]:
    """The start of each distinct job in a message; fewer than two means a single job.

    `pay_starts` are where the message's pay figures begin: a list of known titles each with
    its own figure and no headcount ("钢筋工 一天450 木工 一天480") is a job per title.
    """
    anchors: list[JobAnchor] = []
    for hc in find_headcounts(norm):
        run = _RUN_BEFORE.search(norm[: hc.span[0]])
        if run is None:
            continue
        raw = run.group()
        title = clean_title(raw)
        if title is None:
            continue
        start = run.start() + raw.find(title)
        anchors.append(JobAnchor(title, start, hc.span[1], hc))
    separators = list(_SEPARATOR.finditer(norm))
    for sep in separators:
        run = _RUN_AFTER.match(norm, sep.end())
        if run is None or any(a.start <= sep.end() < a.end for a in anchors):
            continue
        title = clean_title(run.group())
        if title is not None:
            anchors.append(JobAnchor(title, sep.end(), run.end(), None))
    first = separators[0].start() if separators else 0
    if separators and anchors and all(a.start >= first for a in anchors):
        # "招货车司机…另招跟车的1名": a job named after 另招 follows one named after 招.
        for m in _AFTER_HIRE.finditer(norm, 0, first):
            title = clean_title(m.group("t"))
            if title is not None:
                anchors.append(JobAnchor(title, m.start("t"), m.end("t"), None))
                break
    if not anchors:
        anchors = _titles_with_pay(norm, pay_starts)
    if anchors:
        for line in _MANY_LINE.finditer(norm):
            title = clean_title(line.group("t"))
            if title is not None and not any(a.start <= line.start("t") < a.end for a in anchors):
                anchors.append(JobAnchor(title, line.start("t"), line.end(), None))
    anchors.sort(key=lambda a: a.start)
    unique: list[JobAnchor] = []
    for anchor in anchors:
        if all(anchor.title != u.title and anchor.start >= u.end for u in unique):
            unique.append(anchor)
    return unique


def _titles_with_pay(norm: str, pay_starts: Sequence[int]) -> list[JobAnchor]:
    """Known titles each right before a figure of their own, when two or more differ."""
    if _TITLE_BEFORE_PAY is None:
        return []
    found: list[JobAnchor] = []
    for start in pay_starts:
        window = max(0, start - 14)
        m = _TITLE_BEFORE_PAY.search(norm, window, start)
        if m is not None:
            found.append(JobAnchor(m.group("t"), m.start("t"), m.end("t"), None))
    return found if len({a.title for a in found}) == len(found) >= 2 else []
