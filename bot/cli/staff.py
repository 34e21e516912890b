"""`yizhan staff …`, `yizhan group-post` and `yizhan checkin`.

Staff roles are allow-listed here by whoever runs the command line (the station's admin);
every change is written to the audit log with the actor "cli".
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.app import open_services
from bot.cli.state import cli_state, run_async
from bot.cli.stats import console
from handlers.caseworker.checkins import due_checkins
from handlers.caseworker.group_post import DEFAULT_LIMIT, MAX_LIMIT, build_group_post, category_arg
from handlers.caseworker.staff import staff_how
from handlers.texts import t
from matching.districts import find_districts
from models.messages import Channel, DialogKey
from models.repos.staff import INVITE_DAYS
from models.values import Role

staff_app = typer.Typer(
    name="staff", help="Caseworkers and admins: roles and invite codes.", no_args_is_help=True
)

commands = typer.Typer()  # this module's top-level commands (bot.cli.build_app)

STAFF_ROLES = ("caseworker", "admin")


def district_arg(name: str | None) -> str | None:
    """A district as stored: the canonical Tianjin name when recognised ("西青" -> "西青区")."""
    if not name:
        return None
    found = find_districts(name)
    return found[0] if found else name.strip()


def _role(name: str) -> Role:
    if name not in STAFF_ROLES:
        raise typer.BadParameter(t("caseworker.cli.bad_role", "zh", roles="/".join(STAFF_ROLES)))
    return Role(name)


def _channel(name: str) -> Channel:
    try:
        return Channel(name)
    except ValueError as exc:
        names = "/".join(c.value for c in Channel)
        raise typer.BadParameter(t("caseworker.cli.bad_channel", "zh", names=names)) from exc


@staff_app.command("add")
def staff_add(
    channel: Annotated[str, typer.Option("--channel", help="telegram, wechat or console.")],
    user_id: Annotated[str, typer.Option("--user-id", help="The user's id on that channel.")],
    district: Annotated[
        str | None, typer.Option("--district", help="Their district (required for caseworkers).")
    ] = None,
    role: Annotated[str, typer.Option("--role", help="caseworker or admin.")] = "caseworker",
    station: Annotated[str | None, typer.Option("--station", help="Their 驿站.")] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Their name, shown in contact records, pages and exports."),
    ] = None,
) -> None:
    """Allow-list a caseworker or admin (the user row is created if they never wrote)."""
    wanted, key, where = _role(role), DialogKey(_channel(channel), user_id), district_arg(district)
    if wanted is Role.CASEWORKER and where is None:
        raise typer.BadParameter(t("caseworker.cli.need_district", "zh"))

    async def add() -> None:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            now = services.clock()
            user = await services.users.get_or_create(key, now)
            await services.users.set_role(user.id, wanted, where, station)
            if name and name.strip():
                await services.users.set_display_name(user.id, name.strip(), now)
            await services.audit.record(
                "cli", "staff:add", allowed=True, now=now, target=str(key),
                detail=f"{wanted.value} {where} {station or ''}".strip(),
            )  # fmt: skip

    run_async(add())
    console.print(t("caseworker.cli.added", "zh", who=str(key), role=wanted.value,
                    district=where or t("caseworker.everywhere", "zh")))  # fmt: skip


@staff_app.command("remove")
def staff_remove(
    channel: Annotated[str, typer.Option("--channel", help="telegram, wechat or console.")],
    user_id: Annotated[str, typer.Option("--user-id", help="The user's id on that channel.")],
) -> None:
    """Take the staff role away (the identity becomes a seeker again)."""
    key = DialogKey(_channel(channel), user_id)

    async def remove() -> bool:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            user = await services.users.get(key)
            if user is None or not user.is_staff:
                return False
            now = services.clock()
            await services.users.set_role(user.id, Role.SEEKER)
            await services.audit.record("cli", "staff:remove", allowed=True, now=now,
                                        target=str(key))  # fmt: skip
            return True

    if not run_async(remove()):
        console.print(t("caseworker.cli.not_staff", "zh", who=str(key)))
        raise typer.Exit(1)
    console.print(t("caseworker.cli.removed", "zh", who=str(key)))


@staff_app.command("invite")
def staff_invite(
    district: Annotated[
        str | None, typer.Option("--district", help="District of the new caseworker.")
    ] = None,
    role: Annotated[str, typer.Option("--role", help="caseworker or admin.")] = "caseworker",
    station: Annotated[str | None, typer.Option("--station", help="Their 驿站.")] = None,
    days: Annotated[int, typer.Option("--days", help="Days the code stays valid.")] = INVITE_DAYS,
) -> None:
    """Create a one-time staff code; the new colleague sends "加入 CODE" to the bot."""
    wanted, where = _role(role), district_arg(district)
    if wanted is Role.CASEWORKER and where is None:
        raise typer.BadParameter(t("caseworker.cli.need_district", "zh"))

    async def create() -> str:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            now = services.clock()
            invite = await services.repos.staff.create_invite(
                wanted, where, station, "cli", now, days
            )
            await services.audit.record(
                "cli",
                "staff:invite",
                allowed=True,
                now=now,
                target=invite.code,
                detail=f"{wanted.value} {where}",
            )
            return invite.code  # fmt: skip

    code = run_async(create())
    console.print(code)
    console.print(staff_how(code, cli_state.settings.telegram_bot_username))


@staff_app.command("list")
def staff_list() -> None:
    """Caseworkers and admins with their districts, and the staff codes still open."""

    async def collect() -> tuple[list[list[str]], list[list[str]]]:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            users = await services.users.with_role(Role.CASEWORKER, Role.ADMIN)
            invites = await services.repos.staff.open_invites(services.clock())
        staff = [[u.key.channel.value, u.key.user_id, u.role.value, u.district or "",
                  u.station or "", u.display_name or ""] for u in users]  # fmt: skip
        codes = [[i.code, i.role.value, i.district or "", i.station or "",
                  i.expires_at.date().isoformat()] for i in invites]  # fmt: skip
        return staff, codes

    staff, codes = run_async(collect())
    table = Table(title=t("caseworker.cli.staff_title", "zh"))
    for header in ("channel", "user id", "role", "district", "station", "name"):
        table.add_column(header)
    for row in staff:
        table.add_row(*row)
    console.print(table)
    if codes:
        open_codes = Table(title=t("caseworker.cli.codes_title", "zh"))
        for header in ("code", "role", "district", "station", "expires"):
            open_codes.add_column(header)
        for row in codes:
            open_codes.add_row(*row)
        console.print(open_codes)


@commands.command("group-post")
def group_post(
    district: Annotated[str, typer.Option("--district", help="The district, e.g. 西青区.")],
    category: Annotated[
        str | None, typer.Option("--category", help="Category code A..Q or a name, e.g. 保洁.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help=f"Jobs listed (at most {MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    unverified: Annotated[
        bool, typer.Option("--unverified", help="Also list live jobs not yet verified by phone.")
    ] = False,
) -> None:
    """Print a ready-to-paste post for ordinary WeChat groups (phones masked, J-codes)."""
    where = district_arg(district) or district
    code = category_arg(category) if category else None
    if category and code is None:
        raise typer.BadParameter(t("caseworker.cli.bad_category", "zh", category=category))

    async def build() -> str:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            now = services.clock()
            text, postings = await build_group_post(
                services, where, now, category=code, limit=limit, verified_only=not unverified
            )
            await services.audit.record(
                "cli",
                "group_post:text",
                allowed=True,
                now=now,
                target=where,
                detail=f"{len(postings)} jobs",
            )
            return text  # fmt: skip

    typer.echo(run_async(build()))


@commands.command("checkin")
def checkin(
    now_: Annotated[
        bool, typer.Option("--now", help="Ignore the check-in day: ask everyone due today.")
    ] = False,
) -> None:
    """Queue this month's check-ins for seekers not contacted yet (`yizhan run` sends them)."""
    day = 1 if now_ else cli_state.settings.checkin_day

    async def queue() -> int:
        async with open_services(cli_state.settings, with_matcher=False) as services:
            return await due_checkins(services, services.clock(), day)

    console.print(t("caseworker.cli.checkins", "zh", n=run_async(queue())))
