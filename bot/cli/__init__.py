"""The `yizhan` command line (typer), composed in one place: `build_app()`.

Each module under bot/cli/ holds its own typer apps: `commands` (its top-level commands, merged
into the root) and, for a command group, a named app (`staff_app` is `yizhan staff …`).
Nothing is added to another module's app on import; `build_app()` lists the parts, and the
order of that list is the order of `yizhan --help`.

Shell completion comes from typer: `yizhan --install-completion` (bash, zsh, fish, PowerShell).
"""

from __future__ import annotations

import typer

from bot.cli import (
    backup,
    chat,
    demo,
    groups,
    intake,
    matching,
    register,
    run,
    seekers,
    staff,
    stats,
    web,
    wechat,
)
from bot.cli.state import main_options


def build_app() -> typer.Typer:
    """The `yizhan` CLI: the top-level commands, then the command groups, in help order."""
    app = typer.Typer(
        name="yizhan",
        help="驿站 Yizhan — chat-first job matching for public employment stations.",
        no_args_is_help=True,
        add_completion=True,
    )
    app.callback()(main_options)
    parts = (
        backup.commands,  # backup
        chat.commands,  # chat
        stats.commands,  # stats
        intake.commands,  # import, parse, template, pending
        matching.commands,  # match, reach
        run.commands,  # run
        staff.commands,  # group-post, checkin
        demo.commands,  # demo
        chat.profile_app,
        stats.export_app,
        register.register_app,
        groups.groups_app,
        seekers.seekers_app,
        staff.staff_app,
        web.web_app,
        wechat.wechat_app,
    )
    for part in parts:
        app.add_typer(part)
    return app


app = build_app()


def main() -> None:
    """Entry point of the `yizhan` script."""
    app()
