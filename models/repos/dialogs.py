"""Dialog state per user: which flow, which step, and the answers gathered so far."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.db import Database
from models.repos.personal import KEY_COLUMN, key_in, key_join, key_select, seal, unseal
from models.timeutil import to_db

# The answers gathered so far are the seeker's own words (a wish, a phone number): sealed with
# their key, and stored as one JSON string so the column stays JSON on both backends.
_DATA = "dialog_data"


@dataclass(frozen=True, slots=True)
class DialogState:
    """Where a user stands in one flow; `version` is the flow version the state was saved in."""

    flow: str
    version: int
    step: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The state as one JSON value, for a flow that keeps another's state to go back to."""
        return {"flow": self.flow, "version": self.version, "step": self.step, "data": self.data}

    @classmethod
    def from_json(cls, value: Any) -> DialogState | None:
        """Inverse of `to_json`; None for anything else (nothing, or a damaged value)."""
        if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
            return None
        try:
            flow, version, step = str(value["flow"]), int(value["version"]), str(value["step"])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(flow, version, step, value["data"])


class DialogRepo:
    """The dialog_states table; state lives here, never only in memory."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, user_id: int) -> DialogState | None:
        """The user's current dialog state, if any."""
        row = await self._db.fetchone(
            f"SELECT d.flow, d.version, d.step, d.data, {key_select()} FROM dialog_states d"
            f"{key_join('d')} WHERE d.user_id = ?",
            (user_id,),
        )
        if row is None:
            return None
        data = json.loads(row["data"])
        if isinstance(data, str):  # sealed; a shredded key leaves an empty state
            data = json.loads(unseal(row[KEY_COLUMN], user_id, _DATA, data) or "{}")
        return DialogState(row["flow"], row["version"], row["step"], data)

    async def save(self, user_id: int, state: DialogState, now: datetime) -> None:
        """Store the state (replacing the previous one)."""
        async with self._db.transaction() as tx:
            key = await key_in(tx, user_id, now)
            sealed = seal(key, user_id, _DATA, json.dumps(state.data, ensure_ascii=False))
            await tx.execute(
                "INSERT INTO dialog_states (user_id, flow, version, step, data, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                " flow = excluded.flow, version = excluded.version, step = excluded.step,"
                " data = excluded.data, updated_at = excluded.updated_at",
                (user_id, state.flow, state.version, state.step, json.dumps(sealed), to_db(now)),
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
