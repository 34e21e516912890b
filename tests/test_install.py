"""The installed environment: every module imports with the declared dependencies alone (`.ci/run`
makes a fresh virtualenv, so a missing declaration fails here), and pip finds no conflicts."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("models", "matching", "handlers", "bot")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules()


def test_every_package_has_modules():
    assert len(MODULES) > 100
    assert {"bot.cli", "matching.encoder", "models.db", "handlers.router"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports(module: str):
    assert importlib.import_module(module).__name__ == module


@pytest.mark.slow
def test_pip_check_finds_no_broken_requirements():
    done = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
