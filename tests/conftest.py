"""Shared fixtures: real SQLite files in tmp dirs (or the real local PostgreSQL server), a fake
clock, and a network guard.

The math libraries run on one thread (set in tests/__init__.py, which loads first).

A test module marked `pytestmark = pytest.mark.backends` runs its `db` tests on both backends:
SQLite in tmp_path, and one fresh PostgreSQL database per session (migrated once, every table
truncated before each test) on 127.0.0.1:5432. Everything else stays on SQLite.
"""

from __future__ import annotations

import asyncio
import gc
import ipaddress
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from handlers.context import Policy, Services
from models.db import Database

_real_connect = socket.socket.connect


def pytest_collection_finish(session: pytest.Session) -> None:
    """Take what collection imported (torch, transformers: millions of objects that live until
    exit) out of the cyclic collector's sight, so a full collection no longer walks them all:
    the quick subset spent 5.7 s in the collector, 4.6 s of it in those full collections.
    Objects made later, by fixtures and tests, are collected as before."""
    gc.collect()
    gc.freeze()


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


PG_SERVER = os.environ.get("YIZHAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules marked `backends` run every database test once per backend.

    The PostgreSQL run counts as slow: each test truncates every table on the server first
    (~0.6 s of setup), so `-m "not slow"` checks the SQL on SQLite only.
    """
    if "db_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "backends"
    ):
        params = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.slow)]
        metafunc.parametrize("db_backend", params, indirect=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own on the local server for this test session, dropped at the end."""
    import psycopg

    name = f"yizhan_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(url: str) -> None:
    """Empty every table but the migration record: far quicker than migrating per test."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename != '_migrations'"
            )
        ]
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once per session.

    Running the migrations costs ~30 ms a database; copying this file costs under 1 ms, and
    `Database.open` then finds every migration recorded in `_migrations` and applies none.
    """
    path = tmp_path_factory.mktemp("migrated") / "template.db"

    async def migrate() -> None:
        async with Database.open(path):
            pass

    asyncio.run(migrate())
    # Closing the last connection folds the WAL into the file, so the file alone is the copy.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def db_target(
    db_backend: str, db_path: Path, request: pytest.FixtureRequest, migrated_sqlite: Path
) -> Path | str:
    """What `Database.open` takes for this test: a file, or the session's PostgreSQL URL."""
    if db_backend == "sqlite":
        if not db_path.exists():
            shutil.copyfile(migrated_sqlite, db_path)  # the test's own file, already migrated
        return db_path
    url = str(request.getfixturevalue("pg_database"))
    truncate_all(url)
    return url


@pytest.fixture
async def db(db_target: Path | str) -> AsyncIterator[Database]:
    async with Database.open(db_target) as database:
        yield database


@pytest.fixture
async def services(db: Database, clock: FakeClock) -> Services:
    return Services(db=db, clock=clock, policy=Policy())
