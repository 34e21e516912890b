"""A chat builder for dialog tests: one user talking to the real router on a real database."""

from __future__ import annotations

from handlers.context import Services
from handlers.router import handle
from models.messages import Channel, DialogKey, Incoming, Location, Reply
from models.repos.dialogs import DialogState
from models.seeker import SeekerProfile


class Chat:
    """Sends messages as one user; `tap` presses a choice of the last reply by its label."""

    def __init__(self, services: Services, user: str = "u1", channel: Channel = Channel.CONSOLE):
        self.services = services
        self.key = DialogKey(channel, user)
        self.last: list[Reply] = []

    async def say(
        self, text: str = "", payload: str | None = None, location: Location | None = None
    ) -> list[Reply]:
        msg = Incoming(self.key, text=text, payload=payload, location=location)
        self.last = await handle(msg, self.services)
        return self.last

    async def tap(self, label: str) -> list[Reply]:
        """Press the choice whose label contains `label` under the last reply."""
        choices = self.last[-1].choices
        matches = [c for c in choices if label in c.label]
        assert matches, f"no choice {label!r} in {[c.label for c in choices]}"
        return await self.say(payload=matches[0].payload)

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    async def user_id(self) -> int:
        user = await self.services.users.get(self.key)
        assert user is not None
        return user.id

    async def state(self) -> DialogState | None:
        return await self.services.dialogs.load(await self.user_id())

    async def step(self) -> str | None:
        state = await self.state()
        return state.step if state is not None else None

    async def profile(self) -> SeekerProfile:
        profile = await self.services.seekers.get(await self.user_id())
        assert profile is not None
        return profile


# The answers a seeker types, step by step, for a complete profile.
TYPED = {
    "ask_work_form": "灵活就业",
    "ask_categories": "保洁 外卖",
    "ask_pay": "日结200",
    "ask_districts": "西青区 南开区",
    "ask_distance": "5公里",
    "ask_education": "高中",
    "ask_skills": "会开叉车",
    "ask_needs": "技能培训 补贴申领",
    "ask_consent": "可以",
    "confirm": "确认",
}


async def complete_by_typing(chat: Chat, first: str = "你好") -> list[str]:
    """Answer every question by typing until the dialog ends; returns the steps asked."""
    await chat.say(first)
    asked: list[str] = []
    for _ in range(20):
        step = await chat.step()
        if step is None:
            return asked
        asked.append(step)
        await chat.say(TYPED[step])
    raise AssertionError(f"onboarding did not end; asked {asked}")
