"""Shared fixtures: real SQLite files in tmp dirs, a fake clock, and a network guard."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.context import Policy, Services
from models.db import Database

_real_connect = socket.socket.connect


def _is_local(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return True  # AF_UNIX paths


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any test that opens a non-loopback socket fails (no network except localhost)."""

    def guarded(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            pytest.fail(f"network access to {address!r} is not allowed in tests")
        return _real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


class FakeClock:
    """A settable clock; handlers and the dispatcher read time only through `services.clock`."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Tianjin

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def model_cache_dir() -> Path:
    """Where the bundled model is expanded: the user cache, so later runs are quick."""
    return Path(os.environ.get("YIZHAN_CACHE_DIR", Path.home() / ".cache" / "yizhan"))


@pytest.fixture(scope="session")
def encoder(model_cache_dir: Path) -> Any:
    """The real local embedding model, loaded once per test session."""
    from bot.app import shared_encoder

    return shared_encoder(None, model_cache_dir)  # the same instance the CLI tests load


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "yizhan.db"


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    async with Database.open(db_path) as database:
        yield database


@pytest.fixture
async def services(db: Database, clock: FakeClock) -> Services:
    return Services(db=db, clock=clock, policy=Policy())
