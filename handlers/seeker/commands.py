"""Seeker commands that work in every state, in Chinese words and slash forms.

帮助 /help, 我的资料 /profile, 修改 /edit, 暂停推送 /pause, 恢复推送 /resume, 重新开始 /restart,
删除我的信息 /delete (confirmed in a one-step flow), /lang, and 找工作 /jobs
(handlers/seeker/jobs.py). Inside onboarding, a command's answer is followed by the question the
dialog is waiting for.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from handlers import language
from handlers.context import Services, Turn
from handlers.payloads import AccountButton
from handlers.routing import Command, Handler, Router
from handlers.seeker import jobs, onboarding
from handlers.seeker.onboarding_state import OnboardingData, filled
from handlers.seeker.onboarding_steps import FIELD_WORDS, field_named
from handlers.seeker.profile_view import summary
from handlers.texts import t
from models.messages import Choice, Reply
from models.repos.dialogs import DialogState

DELETE_FLOW = "delete_confirm"
PREFIX = AccountButton.prefix  # button payloads "acct:lang:en", "acct:delete:yes"
_DELETE_WORDS = ("确认删除", "confirm delete")
_CANCEL_WORDS = ("取消", "不删", "不删除", "算了", "返回", "否", "cancel", "no", "back")


@dataclass(frozen=True, slots=True)
class PendingDelete:
    """The delete confirmation's data: the dialog it interrupted, to go back to on 取消."""

    resume: DialogState | None = None

    def to_state(self) -> DialogState:
        """The dialog state to store while the confirmation waits (version 1 of this flow)."""
        resume = self.resume.to_json() if self.resume is not None else None
        return DialogState(DELETE_FLOW, DeleteFlow.version, "confirm", {"resume": resume})

    @classmethod
    def from_state(cls, state: DialogState) -> PendingDelete:
        """Inverse of `to_state`; a damaged resume reads as no dialog to go back to."""
        return cls(DialogState.from_json(state.data.get("resume")))


async def _pending(turn: Turn, services: Services) -> Reply | None:
    state = await services.dialogs.load(turn.user.id)
    if state is not None and state.flow == DELETE_FLOW:
        return _delete_question()
    return await onboarding.pending_question(turn, services)


async def _then_pending(turn: Turn, services: Services, reply: Reply) -> list[Reply]:
    """The command's answer, then the question the dialog is waiting for (if any)."""
    question = await _pending(turn, services)
    return [reply, question] if question is not None else [reply]


async def leave_pending_delete(turn: Turn, services: Services, run: Handler) -> list[Reply]:
    """Middleware of these commands: one sent while deletion awaits confirmation cancels it."""
    return await run(await _leave_delete(turn, services), services)


async def _leave_delete(turn: Turn, services: Services) -> Turn:
    """Another command while deletion awaits confirmation cancels it and restores the dialog."""
    state = turn.state
    if state is None or state.flow != DELETE_FLOW:
        return turn
    restored = PendingDelete.from_state(state).resume
    if restored is None:
        await services.dialogs.clear(turn.user.id)
    else:
        await services.dialogs.save(turn.user.id, restored, turn.now)
    return replace(turn, state=restored)


async def help_command(turn: Turn, services: Services) -> list[Reply]:
    """帮助: every command this user may use, one line each."""
    lines = [t("commands.help.header")]
    for command in services.router.commands.values():
        if command.help_key and (not command.staff_only or turn.user.is_staff):
            lines.append(t(command.help_key))
    lines.append(t("commands.help.footer"))
    return await _then_pending(turn, services, Reply("\n".join(lines)))


async def jobs_command(turn: Turn, services: Services) -> list[Reply]:
    """找工作 / 推荐工作 / 有啥活: the seeker's best current matches, then any open question."""
    return await _jobs_then_pending(turn, services, jobs.jobs_command)


async def more_jobs_command(turn: Turn, services: Services) -> list[Reply]:
    """换一批 / 下一批 / 还有吗 / 更多 typed: the next page of jobs, then any open question."""
    return await _jobs_then_pending(turn, services, jobs.next_command)


async def _jobs_then_pending(turn: Turn, services: Services, page: Handler) -> list[Reply]:
    replies = await page(turn, services)
    question = await _pending(turn, services)
    return [*replies, question] if question is not None else replies


async def profile_command(turn: Turn, services: Services) -> list[Reply]:
    """我的资料: the stored profile as the seeker would read it."""
    profile = await services.seekers.get(turn.user.id)
    if profile is None:
        return await _then_pending(turn, services, Reply(t("commands.profile.empty")))
    answered = filled(profile) | OnboardingData.from_state(turn.state).answered
    text = t("commands.profile.show", summary=summary(profile, answered))
    if profile.completed_at is None:
        text += "\n" + t("commands.profile.incomplete")
    return await _then_pending(turn, services, Reply(text))


def _edit_target(text: str) -> str:
    """ "修改 工资", "修改工资", "/edit pay" -> the field word ("工资", "pay")."""
    rest = text.strip()
    for head in ("/edit", "edit", "修改资料", "修改"):
        if rest.lower().startswith(head):
            return rest[len(head) :].strip()
    return rest


async def edit_command(turn: Turn, services: Services) -> list[Reply]:
    """修改: jump to one field ("修改 工资") or choose from the list of fields."""
    target = turn.args or _edit_target(turn.text)
    name = field_named(target) if target else None
    replies: list[Reply] = []
    if target and name is None:
        replies.append(Reply(t("commands.edit.unknown", name=target[:20])))
    return replies + await onboarding.edit(turn, services, name)


async def pause_command(turn: Turn, services: Services) -> list[Reply]:
    """暂停推送: keep the profile, stop pushes until 恢复推送."""
    profile = await services.seekers.get(turn.user.id) or onboarding.new_profile(turn, services)
    await services.seekers.save(profile.with_(paused=True), turn.now)
    await onboarding.profile_changed(services, turn.user.id)
    return await _then_pending(turn, services, Reply(t("commands.paused")))


async def resume_command(turn: Turn, services: Services) -> list[Reply]:
    """恢复推送: pushes again; asking for them is also consent to receive them."""
    profile = await services.seekers.get(turn.user.id) or onboarding.new_profile(turn, services)
    await services.seekers.save(profile.with_(paused=False, consent=True), turn.now)
    await onboarding.profile_changed(services, turn.user.id)
    key = "commands.resumed" if profile.completed_at else "commands.resumed_unfinished"
    return await _then_pending(turn, services, Reply(t(key)))


async def restart_command(turn: Turn, services: Services) -> list[Reply]:
    """重新开始: clear the answers and begin the dialog again."""
    await services.seekers.save(onboarding.new_profile(turn, services), turn.now)
    await services.dialogs.clear(turn.user.id)
    await onboarding.profile_changed(services, turn.user.id)
    turn = replace(turn, state=None)
    started = await onboarding.start(turn, services, read_message=False)
    return [Reply(t("commands.restarted")), *started]


def _delete_question() -> Reply:
    choices = (
        Choice(t("commands.delete.yes"), AccountButton("delete", "yes").pack()),
        Choice(t("commands.delete.no"), AccountButton("delete", "no").pack()),
    )
    return Reply(t("commands.delete.ask"), choices)


async def delete_command(turn: Turn, services: Services) -> list[Reply]:
    """删除我的信息: ask for confirmation, remembering where the dialog stood."""
    state = turn.state
    if state is not None and state.flow == DELETE_FLOW:
        waiting = PendingDelete.from_state(state)  # asked again: keep what it interrupted
    else:
        waiting = PendingDelete(state)
    await services.dialogs.save(turn.user.id, waiting.to_state(), turn.now)
    return [_delete_question()]


async def _delete_now(turn: Turn, services: Services) -> list[Reply]:
    await services.seekers.delete_personal_data(turn.user.id)
    await onboarding.profile_changed(services, turn.user.id)
    return [Reply(t("commands.delete.done"))]


async def _cancel_delete(turn: Turn, services: Services) -> list[Reply]:
    turn = await _leave_delete(turn, services)
    return await _then_pending(turn, services, Reply(t("commands.delete.cancelled")))


class DeleteFlow:
    """One step: 确认删除 removes the seeker's personal data for good; 取消 goes back."""

    name = DELETE_FLOW
    version = 1

    async def handle(self, turn: Turn, services: Services) -> list[Reply]:
        """Read the confirmation; anything else repeats the question."""
        answer = turn.text.lower()
        if answer in _DELETE_WORDS:
            return await _delete_now(turn, services)
        if answer in _CANCEL_WORDS:
            return await _cancel_delete(turn, services)
        return [replace(_delete_question(), text=t("commands.delete.again"))]


def _lang_wanted(turn: Turn) -> str | None:
    words = {turn.text.lower(), turn.args.lower()}
    if words & {"zh", "中文", "cn", "chinese", "汉语"}:
        return "zh"
    if words & {"en", "english", "英文", "英语"}:
        return "en"
    return None


async def _set_lang(turn: Turn, services: Services, lang: str) -> list[Reply]:
    await services.users.set_lang(turn.user.id, lang)
    language.switch(lang)  # this turn's later texts, and its replies' hints, in the new language
    turn = replace(turn, user=replace(turn.user, lang=lang))
    return await _then_pending(turn, services, Reply(t("commands.lang.set")))


async def lang_command(turn: Turn, services: Services) -> list[Reply]:
    """/lang en | /lang zh (also 中文 / English): the language of every later message."""
    lang = _lang_wanted(turn)
    if lang is not None:
        return await _set_lang(turn, services, lang)
    choices = (
        Choice("中文", AccountButton("lang", "zh").pack()),
        Choice("English", AccountButton("lang", "en").pack()),
    )
    return [Reply(t("commands.lang.ask"), choices)]


async def account_button(turn: Turn, services: Services) -> list[Reply]:
    """Buttons of these commands: "acct:lang:en", "acct:delete:yes", "acct:delete:no"."""
    button = AccountButton.unpack(turn.msg.payload)
    action, value = (button.action, button.value) if button else ("", "")
    deleting = turn.state is not None and turn.state.flow == DELETE_FLOW
    if action == "lang" and value in ("zh", "en"):
        return await _set_lang(await _leave_delete(turn, services), services, value)
    if action == "delete" and value == "yes":
        # Only the button under the question confirms; a stale one asks again.
        return await (_delete_now if deleting else delete_command)(turn, services)
    if action == "delete" and value == "no":
        return await _cancel_delete(turn, services)
    return await leave_pending_delete(turn, services, help_command)


_EDIT_WORDS = tuple(
    dict.fromkeys(
        f"修改{alias}"
        for aliases in FIELD_WORDS.values()
        for alias in aliases
        if not alias.isascii()
    )
)

# Every command here first leaves a pending 删除我的信息 (restoring the dialog it interrupted).
router = Router("seeker commands", around_commands=[leave_pending_delete])
router.command(
    Command("help", ("help", "帮助", "菜单"), help_command, help_key="commands.help.help"),
    Command(
        "jobs",
        (
            "jobs",
            "找工作",
            "推荐工作",
            "有啥活",
            "有啥活没",
            "有啥活吗",
            "有什么活",
            "有活吗",
        ),
        jobs_command,
        help_key="commands.help.jobs",
    ),
    Command("jobs_more", ("换一批", "下一批", "还有吗", "更多"), more_jobs_command),
    Command(
        "profile",
        ("profile", "我的资料", "查看资料"),
        profile_command,
        help_key="commands.help.profile",
    ),
    Command(
        "edit",
        ("edit", "修改", "修改资料", *_EDIT_WORDS),
        edit_command,
        help_key="commands.help.edit",
    ),
    Command("pause", ("pause", "暂停推送", "暂停"), pause_command, help_key="commands.help.pause"),
    Command(
        "resume", ("resume", "恢复推送", "恢复"), resume_command, help_key="commands.help.resume"
    ),
    Command(
        "restart",
        ("restart", "重新开始", "重新登记"),
        restart_command,
        help_key="commands.help.restart",
    ),
    Command(
        "delete",
        ("delete", "删除我的信息", "删除资料", "注销"),
        delete_command,
        help_key="commands.help.delete",
    ),
    Command(
        "lang",
        ("lang", "language", "语言", "中文", "english", "英文"),
        lang_command,
        help_key="commands.help.lang",
    ),
)
router.flow(DeleteFlow())
router.payload(PREFIX, account_button)
router.payload(jobs.PREFIX, jobs.jobs_button)
