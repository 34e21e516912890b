"""Imports only point down the data path: models <- matching <- handlers <- bot (STYLE rule 1),
and inside handlers/ and bot/ the subpackages point down too (ARCHITECTURE.md, "Tree")."""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "models": {"models"},
    "matching": {"models", "matching"},
    "handlers": {"models", "matching", "handlers"},
    "bot": {"models", "matching", "handlers", "bot"},
}
FORBIDDEN_IN_HANDLERS = {"telegram", "wechatpy", "aiohttp", "httpx"}


@cache
def _parsed(path: Path) -> ast.Module:
    """Each module is parsed once for all the tests here (35k lines; the trees are only read)."""
    return ast.parse(path.read_text(encoding="utf-8"))


@cache
def _imports(path: Path) -> frozenset[str]:
    tree = _parsed(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return frozenset(names)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    for path in files:
        imported = _imports(path) & set(ALLOWED)
        upward = imported - ALLOWED[package]
        assert not upward, f"{path.relative_to(ROOT)} imports {sorted(upward)}"
        if package == "handlers":
            platform = _imports(path) & FORBIDDEN_IN_HANDLERS
            assert not platform, f"{path.relative_to(ROOT)} imports {sorted(platform)}"


# The composition roots sit on top: area modules never import them (they would see every area).
COMPOSITION_ROOTS = {
    "handlers.routes": {"bot/app.py", "handlers/context.py"},  # context: the default router
    "bot.assembly": {"bot/runner.py", "bot/cli/run.py"},  # runner: the default parts
}


@cache
def _modules_imported(path: Path) -> frozenset[str]:
    tree = _parsed(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


@pytest.mark.parametrize("root", sorted(COMPOSITION_ROOTS))
def test_only_the_app_assembly_imports_a_composition_root(root: str) -> None:
    importers = {
        str(path.relative_to(ROOT))
        for package in ALLOWED
        for path in (ROOT / package).rglob("*.py")
        if root in _modules_imported(path)
    }
    assert importers == COMPOSITION_ROOTS[root]


# Inside the packages the tree shows the layers (ARCHITECTURE.md, "Tree"): each subpackage may not
# import the ones named here. Application services are called by the chat flows, never the reverse;
# the demo and the test doubles are reached only from the command line (and the tests).
SUBLAYERS_FORBIDDEN = {
    "handlers/services": ("handlers.seeker", "handlers.employer", "handlers.caseworker"),
    "bot/channels": ("bot.cli", "bot.web", "bot.demo", "bot.sheets"),
    "bot/delivery": ("bot.cli", "bot.web", "bot.demo", "bot.sheets", "bot.groups"),
    "bot/sheets": ("bot.cli", "bot.web", "bot.demo", "bot.channels", "bot.delivery"),
    "bot/groups": ("bot.cli", "bot.web", "bot.demo"),
    "bot/web": ("bot.cli", "bot.demo"),
}
ONLY_FROM_CLI = ("bot.demo", "tests")


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("folder", sorted(SUBLAYERS_FORBIDDEN))
def test_sublayers_point_down(folder: str) -> None:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"{folder}/ has no modules"
    for path in files:
        wrong = {m for m in _modules_imported(path) if _under(m, SUBLAYERS_FORBIDDEN[folder])}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_demo_and_test_doubles_are_reached_only_from_the_command_line() -> None:
    shipped = [p for package in ALLOWED for p in sorted((ROOT / package).rglob("*.py"))]
    for path in shipped:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("bot/cli/", "bot/demo/")):
            continue
        wrong = {m for m in _modules_imported(path) if _under(m, ONLY_FROM_CLI)}
        assert not wrong, f"{rel} imports {sorted(wrong)}"
    assert not list((ROOT / "bot").rglob("fake*.py")), "test doubles live in tests/fakes/"
