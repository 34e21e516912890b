"""Imports only point down the data path: models <- matching <- handlers <- bot (STYLE rule 1)."""

import ast
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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


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
    "bot.assembly": {"bot/runner.py", "bot/cli_run.py"},  # runner: the default parts
}


def _modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("root", sorted(COMPOSITION_ROOTS))
def test_only_the_app_assembly_imports_a_composition_root(root: str) -> None:
    importers = {
        str(path.relative_to(ROOT))
        for package in ALLOWED
        for path in (ROOT / package).rglob("*.py")
        if root in _modules_imported(path)
    }
    assert importers == COMPOSITION_ROOTS[root]
