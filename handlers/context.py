"""What a handler turn may use: repositories, the clock, policy and the matcher."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from handlers.locks import UserLocks
from matching.reach_cap import ReachCap
from models.db import Database
from models.messages import Incoming
from models.repos.audit import AuditRepo
from models.repos.contacts import ContactRepo
from models.repos.dialogs import DialogRepo, DialogState
from models.repos.postings import PostingRepo
from models.repos.seekers import SeekerRepo
from models.repos.store import Repos
from models.repos.users import UserRepo
from models.timeutil import utcnow
from models.user import User

if TYPE_CHECKING:
    from handlers.routing import Router
    from matching.engine import Matcher


@dataclass(frozen=True, slots=True)
class Policy:
    """Intake and matching policy; built from `Settings` at the edge."""

    default_lang: str = "zh"
    min_wage_monthly: float = 2320.0
    moderation: bool = False
    risk_hold_threshold: float = 0.5
    gig_expiry_days: int = 3
    job_expiry_days: int = 30
    reach_threshold: float = 0.3
    service_area: str = "天津市"
    quiet_start: int = 22
    quiet_end: int = 7
    daily_cap: int = 5
    push_reach_cap: ReachCap = field(default_factory=ReachCap)
    telegram_bot_username: str | None = None  # for t.me invite links
    station_address: str | None = None  # told to seekers who ask 驿站在哪
    station_phone: str | None = None


@dataclass(slots=True)
class Services:
    """Everything a handler may touch, built once per process and shared by every turn."""

    db: Database
    clock: Callable[[], datetime] = utcnow
    policy: Policy = field(default_factory=Policy)
    matcher: Matcher | None = None
    # Told of every handled message: (channel, number of replies); `yizhan run` counts them.
    on_turn: Callable[[str, int], None] | None = None
    repos: Repos = field(init=False)  # every repository, built once (`services.repos.register`)
    # The repositories nearly every turn uses, as shortcuts into `repos`.
    users: UserRepo = field(init=False)
    seekers: SeekerRepo = field(init=False)
    dialogs: DialogRepo = field(init=False)
    postings: PostingRepo = field(init=False)
    contacts: ContactRepo = field(init=False)
    audit: AuditRepo = field(init=False)
    # The composed router (`handlers.routes.build_router()` unless a test composes its own).
    router: Router = field(default_factory=lambda: _default_router())
    # The process's one in-process per-user lock: the router's middleware and the Telegram
    # adapter (which keeps its replies in order) hold the same lock, re-entrantly.
    locks: UserLocks = field(default_factory=UserLocks)

    def __post_init__(self) -> None:
        self.repos = repos = Repos.over(self.db)
        self.users, self.seekers, self.dialogs = repos.users, repos.seekers, repos.dialogs
        self.postings, self.contacts, self.audit = repos.postings, repos.contacts, repos.audit


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound message with who sent it and where their dialog stands."""

    msg: Incoming
    user: User
    state: DialogState | None
    now: datetime
    args: str = ""  # for a command: the text after its word ("/lang en" -> "en")

    @property
    def text(self) -> str:
        """The message text, stripped."""
        return self.msg.text.strip()


def _default_router() -> Router:
    """The bot's router; imported when first needed because every area imports this module."""
    from handlers.routes import build_router

    return build_router()
