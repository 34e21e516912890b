"""Wiring is explicit (issue 19): no module registers anything when it is imported.

Before: eleven process-global registries (COMMANDS, FLOWS, PAYLOADS, FALLBACKS, CHANNELS,
WORKERS, TIMERS, DEMO_STAGES, LOCKS, ...) were filled by whichever modules happened to be
imported, so the bot a test or a process got depended on its imports.
"""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.context import Turn
from handlers.locks import UserLocks
from handlers.routes import build_router
from handlers.routing import Command, RouteConflict, Router
from models.messages import Channel, DialogKey, Reply

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "matching", "handlers", "bot")

# Runs in a fresh interpreter: every project module's body is executed under a watch that
# records any change it makes to another module's module-level list, dict, set, Router or
# typer app (its commands, groups and callback: `yizhan`'s CLI is composed by bot.cli.build_app).
PROBE = r"""
import importlib, importlib.abc, json, pkgutil, sys
from pathlib import Path

PACKAGES = %(packages)r
changes = []

def ours(name):
    return name.split(".")[0] in PACKAGES

def sizes(skip):
    Router = getattr(sys.modules.get("handlers.routing"), "Router", ())  # once it exists
    Typer = getattr(sys.modules.get("typer"), "Typer", ())
    out = {}
    for name, mod in list(sys.modules.items()):
        if not ours(name) or name == skip:
            continue
        for attr, value in list(vars(mod).items()):
            if isinstance(value, (list, dict, set)) and not attr.startswith("__"):
                out[f"{name}.{attr}"] = len(value)
            elif isinstance(value, Router):
                out[f"{name}.{attr}"] = [len(value.commands), len(value.flows),
                    len(value.fallbacks), len(value.early_fallbacks)]
            elif isinstance(value, Typer):
                out[f"{name}.{attr}"] = [len(value.registered_commands),
                    len(value.registered_groups), value.registered_callback is not None]
    return out

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if not ours(name):
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module
        def exec_module(module, run=run, name=name):
            before = sizes(name)
            run(module)
            after = sizes(name)
            changed = sorted(k for k, v in before.items() if after.get(k) != v)
            if changed:
                changes.append([name, changed])
        spec.loader.exec_module = exec_module
        return spec

import importlib.util
sys.meta_path.insert(0, Watch())
root = Path(%(root)r)
names = []
for package in PACKAGES:
    for info in pkgutil.walk_packages([str(root / package)], package + "."):
        names.append(info.name)
for name in sorted(names):
    importlib.import_module(name)
print(json.dumps({"changes": changes, "modules": len(names)}))
"""


def _probe(root: Path = ROOT) -> dict:
    code = PROBE % {"packages": PACKAGES, "root": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # 69 s at load 11: imports every module in a fresh interpreter
def test_no_module_registers_anything_when_imported():
    found = _probe()
    assert found["modules"] > 100  # every module was imported
    assert found["changes"] == []


def test_the_old_registries_are_gone():
    import bot.cli  # first: the CLI modules import one another through it
    import bot.cli.chat
    import bot.runner
    import handlers.router

    gone = {
        handlers.router: ("COMMANDS", "LOCKS"),
        bot.runner: ("CHANNELS", "WORKERS", "TIMERS", "register_channel", "register_worker"),
        bot.cli.chat: ("DEMO_STAGES", "add_demo_stage"),
    }
    for module, names in gone.items():
        assert not [n for n in names if hasattr(module, n)], module.__name__
    assert not (ROOT / "handlers" / "registry.py").exists()


def test_building_twice_gives_the_same_router_and_mutates_no_area():
    first, second = build_router(), build_router()
    assert first is not second
    assert list(first.commands) == list(second.commands)
    assert first.fallbacks == second.fallbacks
    assert first.early_fallbacks == second.early_fallbacks


async def _answer(turn: Turn, services) -> list[Reply]:
    return [Reply("ok")]


def test_a_duplicate_payload_prefix_raises_when_built():
    """Before: `register_payload` silently replaced the first owner of a prefix."""
    one, two = Router("one"), Router("two")
    one.payload("fb", _answer)
    two.payload("fb", _answer)
    with pytest.raises(RouteConflict, match="'fb'"):
        Router("root").include(one, two)
    with pytest.raises(RouteConflict):
        one.payload("fb", _answer)


def test_a_duplicate_command_word_or_name_raises_when_built():
    one, two, three = Router("one"), Router("two"), Router("three")
    one.command(Command("help", ("help", "帮助"), _answer))
    two.command(Command("aid", ("aid", "帮助"), _answer))
    three.command(Command("help", ("assist",), _answer))
    with pytest.raises(RouteConflict, match="帮助"):
        Router("root").include(one, two)
    with pytest.raises(RouteConflict, match="help"):
        Router("root").include(one, three)


def test_fallbacks_run_in_the_order_the_areas_are_included():
    router = build_router()
    names = [f"{f.__module__}.{f.__name__}" for f in router.fallbacks]
    assert names == [
        "handlers.caseworker.checkins.typed_answer",  # a bare 1/2/3 answering a check-in ...
        "handlers.caseworker.relay.relay_fallback",  # ... before a relayed group post ...
        "handlers.employer.posting.post_fallback",  # ... before an employer's free-text post ...
        "handlers.seeker.onboarding.seeker_fallback",  # ... and the seeker's dialog takes the rest
    ]
    early = [f"{f.__module__}.{f.__name__}" for f in router.early_fallbacks]
    assert early == [
        "handlers.caseworker.staff.code_fallback",
        "handlers.caseworker.group_post.job_code_fallback",
    ]


def test_the_assembly_lists_every_channel_component_and_worker():
    from bot.assembly import PARTS

    assert [c.name for c in PARTS.channels] == [
        "Telegram",
        "WeChat",
        "WeCom robots",
        "WeCom 微信客服",
    ]
    assert [c.name for c in PARTS.components] == ["Web console"]  # a component, not a channel
    assert [name for name, _ in PARTS.workers] == [
        "dispatcher",
        "scheduler",
        "caseworker",
        "customer_groups",
    ]


async def test_the_one_user_lock_is_reentrant_in_its_task_and_serialises_others():
    """Before: the Telegram adapter and the router each kept a lock on the same key."""
    locks, key, order = UserLocks(), DialogKey(Channel.CONSOLE, "a"), []

    async def turn(name: str) -> None:
        # The adapter's hold around the turn and its sends, then the router's middleware's.
        async with locks.hold(key), locks.hold(key):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    await asyncio.wait_for(asyncio.gather(turn("a"), turn("b")), 5)
    assert order == ["a in", "a out", "b in", "b out"]
    assert locks._locks == {}  # dropped once nobody holds or waits


def test_the_cli_is_composed_in_one_place_in_help_order():
    """Before: each bot/cli module added itself to bot.cli.app on import (staff to stats')."""
    import typer

    from bot.cli import build_app

    first, second = typer.main.get_command(build_app()), typer.main.get_command(build_app())
    names = list(first.commands)  # type: ignore[attr-defined]
    assert names == list(second.commands)  # type: ignore[attr-defined]
    assert names == [
        "backup", "chat", "stats", "import", "parse", "template", "pending", "match", "reach",
        "run", "group-post", "checkin", "demo",
        "profile", "export", "register", "groups", "seekers", "staff", "web", "wechat",
    ]  # fmt: skip
    register = first.commands["register"]  # type: ignore[attr-defined]
    assert list(register.commands) == ["import", "invites"]
