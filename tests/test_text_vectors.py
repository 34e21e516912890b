"""Encoded vectors are stored once in the database (issue 20): a new worker or a restart runs
the model on no text encoded before, another model never reuses them, and a seeker's vector
goes with 删除我的信息. The encoder calls are counted at the encoder itself."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pytest

from handlers.texts import t
from matching.engine import Matcher
from models.db import Database
from models.repos.seekers import SeekerRepo
from models.repos.text_vectors import TextKey, TextVectorRepo
from tests.test_engine import POSTS, add_postings, add_seeker

pytestmark = pytest.mark.backends  # every database test runs on SQLite and PostgreSQL


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode (optionally renamed)."""

    def __init__(self, inner: Any, model_id: str | None = None) -> None:
        self._inner = inner
        self.model_id: str = model_id or inner.model_id
        self.dim: int = inner.dim
        self.texts: list[str] = []

    def encode(
        self, texts: Sequence[str], kind: Literal["query", "passage"], *, progress: bool = False
    ) -> Any:
        self.texts += list(texts)
        return self._inner.encode(texts, kind, progress=progress)


WISHES = {"wang": "西青区保洁，日结", "li": "南开区外卖骑手", "zhao": "叉车司机 东丽区"}


async def _fill(db: Database, now: Any) -> dict[str, int]:
    await add_postings(db, now)
    return {name: await add_seeker(db, now, name, wish=wish) for name, wish in WISHES.items()}


async def test_a_new_worker_or_a_restart_encodes_nothing_encoded_before(
    db: Database, encoder: Any, tmp_path: Path, clock: Any
) -> None:
    now = clock()
    await _fill(db, now)
    first = CountingEncoder(encoder)
    matcher = await Matcher.open(db, first, tmp_path / "one", phrases=t)
    assert matcher.posting_count == len(POSTS)
    assert matcher.seeker_count == len(WISHES)
    assert len(first.texts) >= len(POSTS) + len(WISHES)  # + the category queries, if needed
    found = await matcher.search_text("保洁", 3, now)
    await matcher.close()

    # Another worker (index files of its own, none yet) on the same database.
    second = CountingEncoder(encoder)
    other = await Matcher.open(db, second, tmp_path / "two", phrases=t)
    assert second.texts == []
    assert other.opened is not None
    assert other.opened.encoded == 0
    assert other.posting_count == len(POSTS)
    assert other.seeker_count == len(WISHES)
    profile = await SeekerRepo(db).get(next(iter((await _users(db)).values())))
    assert profile is not None
    ranked = await other.search(profile, 3, now)
    assert second.texts == []  # the seeker's vector came from the index, filled from the db
    assert [m.posting_id for m in await other.search_text("保洁", 3, now)] == [
        m.posting_id for m in found
    ]
    assert len(ranked) == 3

    # A restart that lost its index files: the vectors come from the database again.
    for path in (tmp_path / "one").glob("*.index.npz"):
        path.unlink()
    third = CountingEncoder(encoder)
    again = await Matcher.open(db, third, tmp_path / "one", phrases=t)
    assert third.texts == []
    assert again.posting_count == len(POSTS)

    # A changed wish is encoded once; the old vector is not reused for it.
    wang = (await _users(db))["wang"]
    await add_seeker(db, now, "wang", wish="河西区住家保姆")
    await again.seeker_changed(wang)
    assert len(third.texts) == 1
    assert "河西区住家保姆" in third.texts[0]


async def test_another_model_never_reuses_stored_vectors(
    db: Database, encoder: Any, tmp_path: Path, clock: Any
) -> None:
    await _fill(db, clock())
    await Matcher.open(db, CountingEncoder(encoder), tmp_path / "one", phrases=t)
    renamed = CountingEncoder(encoder, model_id=f"{encoder.model_id}-other")
    await Matcher.open(db, renamed, tmp_path / "two", phrases=t)
    assert len(renamed.texts) >= len(POSTS) + len(WISHES)


async def test_deleting_a_seeker_removes_their_vector_and_it_was_sealed(
    db: Database, encoder: Any, tmp_path: Path, clock: Any
) -> None:
    users = await _fill(db, clock())
    counting = CountingEncoder(encoder)
    matcher = await Matcher.open(db, counting, tmp_path, phrases=t)
    wang = users["wang"]
    rows = await db.fetchall("SELECT vector FROM text_vectors WHERE user_id = ?", (wang,))
    assert len(rows) == 1
    plain = encoder.encode(["西青区保洁，日结"], "query")[0].astype("<f4").tobytes()
    assert plain[:64] not in bytes(rows[0]["vector"])  # sealed, not the float32 bytes
    shared = await db.fetchone("SELECT COUNT(*) AS n FROM text_vectors WHERE user_id IS NULL")
    assert shared is not None
    assert shared["n"] >= len(POSTS)

    await SeekerRepo(db).delete_personal_data(wang)
    await matcher.seeker_changed(wang)
    left = await db.fetchall("SELECT user_id FROM text_vectors WHERE user_id IS NOT NULL")
    assert sorted(r["user_id"] for r in left) == sorted(v for k, v in users.items() if k != "wang")
    after = await db.fetchone("SELECT COUNT(*) AS n FROM text_vectors WHERE user_id IS NULL")
    assert after is not None
    assert after["n"] == shared["n"]


async def _users(db: Database) -> dict[str, int]:
    rows = await db.fetchall("SELECT id, channel_user_id FROM users")
    return {str(r["channel_user_id"]): int(r["id"]) for r in rows}


async def test_a_stored_vector_serves_every_place_its_text_comes_in_a_batch(
    db: Database, clock: Any
) -> None:
    repo = TextVectorRepo(db)
    same = TextKey("model\npassage", "招保洁2名 西青区")
    other = TextKey("model\npassage", "招厨师1名 南开区")
    vector = bytes(range(16))
    await repo.store([(same, vector)], clock())
    found = await repo.found([same, other, same])
    assert found == {0: vector, 2: vector}
