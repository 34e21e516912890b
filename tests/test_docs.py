"""The README documents every setting and every command, and every command has help."""

from pathlib import Path

import typer
from typer.main import get_command

from bot.cli import app
from bot.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.core.TyperGroup, prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        out.append((full, command))
        if isinstance(command, typer.core.TyperGroup):
            out.extend(_commands(command, full + " "))
    return out


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "pip install torch==2.13.0" in head
    assert "yizhan demo" in head
    assert "python -m pytest" in head
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    test_line = next(line for line in README.splitlines() if "python -m pytest" in line)
    assert test_line.strip().strip("`") in ci


def test_every_setting_is_documented() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"
        assert f"YIZHAN_{name.upper()}" in README, f"YIZHAN_{name.upper()} missing from README"


def test_every_command_has_help_and_is_documented() -> None:
    root = get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    for name, command in _commands(root):
        assert getattr(command, "help", None), f"yizhan {name} has no help"
        lines = [line for line in README.splitlines() if "yizhan " in line]
        assert any(f" {name}" in line for line in lines), f"yizhan {name} not in README"
