"""Dialog state per user: which flow, which step, and the answers gathered so far."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.db import Database
from models.timeutil import to_db


@dataclass(frozen=True, slots=True)
class DialogState:
    """Where a user stands in one flow; `version` is the flow version the state was saved in."""

    flow: str
    version: int
    step: str
    data: dict[str, Any] = field(default_factory=dict)


class DialogRepo:
    """The dialog_states table; state lives here, never only in memory."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> DialogState | None:
        """The user's current dialog state, if any."""
        row = await self._db.fetchone(
            "SELECT flow, version, step, data FROM dialog_states WHERE user_id = ?", (user_id,)
        )
        if row is None:
            return None
        return DialogState(row["flow"], row["version"], row["step"], json.loads(row["data"]))

    async def save(self, user_id: int, state: DialogState, now: datetime) -> None:
        """Store the state (replacing the previous one)."""
        await self._db.execute(
            "INSERT INTO dialog_states (user_id, flow, version, step, data, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET flow = excluded.flow,"
            " version = excluded.version, step = excluded.step, data = excluded.data,"
            " updated_at = excluded.updated_at",
            (
                user_id,
                state.flow,
                state.version,
                state.step,
                json.dumps(state.data, ensure_ascii=False),
                to_db(now),
            ),
        )

    async def clear(self, user_id: int) -> None:
        """End whatever dialog the user was in."""
        await self._db.execute("DELETE FROM dialog_states WHERE user_id = ?", (user_id,))

    async def seen_message(self, channel: str, message_id: str, now: datetime) -> bool:
        """Record an inbound message id; True when it was already processed (a platform retry)."""
        async with self._db.transaction() as tx:
            cur = await tx.execute(
                "INSERT INTO processed_messages (channel, message_id, at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (channel, message_id, to_db(now)),
            )
            return cur.rowcount == 0
