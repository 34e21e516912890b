"""`yizhan groups sync|list|tag|preview|send|results`: WeCom customer groups (客户群, #21).

A caseworker syncs the groups, tags each with its district and trades, previews today's digest
and sends it: WeCom then asks the group owner to confirm the mass send. Every change is written
to the audit log with the actor "cli".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from bot.app import open_services
from bot.cli.state import cli_state, run_async
from bot.cli.stats import console
from bot.delivery.errors import DeliveryError
from bot.groups.digests import DigestPlan, GroupDigests, open_group_digests
from handlers.texts import t
from matching.group_digest import TagError, parse_tags, trade_names
from models.repos.customer_groups import CustomerGroup
from models.timeutil import local

T = TypeVar("T")

groups_app = typer.Typer(
    name="groups",
    help="WeCom customer groups (客户群): sync, tag, preview and send digests.",
    no_args_is_help=True,
)


def _with_digests(work: Callable[[GroupDigests], Awaitable[T]]) -> T:
    """Run `work` with the digests open; a WeCom error ends the command with exit 1."""

    async def run() -> T:
        settings = cli_state.settings
        async with (
            open_services(settings, with_matcher=False) as services,
            open_group_digests(settings, services) as digests,
        ):
            return await work(digests)

    try:
        return run_async(run())
    except DeliveryError as exc:
        console.print(t("groups.send.failed", "zh", error=exc), markup=False)
        raise typer.Exit(1) from None


def tags_text(group: CustomerGroup) -> str:
    """The 群标签 as shown: "西青区 · 家政/保洁", or 未设置."""
    if group.district is None:
        return t("groups.untagged", "zh")
    return f"{group.district} · {trade_names(group.trades) or t('groups.any_trade', 'zh')}"


def _refusal(plan: DigestPlan) -> str:
    assert plan.refusal is not None
    return t(plan.refusal, "zh", cap=plan.cap)


@groups_app.command("sync")
def sync() -> None:
    """Fetch the customer groups of the members the WeCom app sees (name, owner, members)."""

    async def work(digests: GroupDigests) -> str:
        report = await digests.sync()
        await digests.audit("cli", "groups:sync", None, f"{report.groups} groups")
        return t("groups.sync.done", "zh", n=report.groups, dissolved=report.dissolved)

    console.print(_with_digests(work), markup=False)


@groups_app.command("list")
def list_groups(
    district: Annotated[str | None, typer.Option("--district", help="One district only.")] = None,
) -> None:
    """The synced groups with their owner, members, 群标签 and state."""

    async def work(digests: GroupDigests) -> list[CustomerGroup]:
        return await digests.repo.all(district)

    table = Table(title=t("groups.web.title", "zh"))
    for key in ("name", "owner", "members", "tags", "state"):
        table.add_column(t(f"groups.col.{key}", "zh"))
    table.add_column("chat id")
    for g in _with_digests(work):
        state = t("groups.state.dissolved" if g.dissolved else "groups.state.live", "zh")
        table.add_row(g.name, g.owner, str(g.member_count), tags_text(g), state, g.chat_id)
    console.print(table)


@groups_app.command("tag")
def tag(
    chat_id: Annotated[str, typer.Argument(help="The group's chat id (yizhan groups list).")],
    tags: Annotated[str, typer.Argument(help='District and trades, e.g. "西青区 · 保洁/普工".')],
    by: Annotated[str, typer.Option("--by", help="Who sets the tags (for the audit).")] = "cli",
) -> None:
    """Set a group's 群标签: one of the 16 districts and trades of the form (none = any)."""
    try:
        parsed = parse_tags(tags)
    except TagError as exc:
        console.print(t("groups.tag.bad", "zh", error=exc), markup=False)
        raise typer.Exit(2) from None

    async def work(digests: GroupDigests) -> CustomerGroup | None:
        if not await digests.repo.tag(chat_id, parsed.district, parsed.trades, by):
            return None
        await digests.audit(by, "groups:tag", chat_id, tags)
        return await digests.repo.get(chat_id)

    group = _with_digests(work)
    if group is None:
        console.print(t("groups.not_found", "zh", chat_id=chat_id), markup=False)
        raise typer.Exit(1)
    console.print(t("groups.tag.done", "zh", name=group.name, district=group.district,
                    trades=trade_names(group.trades) or t("groups.any_trade", "zh")),
                  markup=False)  # fmt: skip


@groups_app.command("preview")
def preview(chat_id: Annotated[str, typer.Argument(help="The group's chat id.")]) -> None:
    """Today's digest for a group exactly as it would be sent, or why there is none."""

    async def work(digests: GroupDigests) -> DigestPlan | None:
        return await digests.plan(chat_id)

    plan = _with_digests(work)
    if plan is None:
        console.print(t("groups.not_found", "zh", chat_id=chat_id), markup=False)
        raise typer.Exit(1)
    if plan.text:
        console.print(plan.text, markup=False)
    if plan.refusal is not None:
        console.print(_refusal(plan), markup=False)


@groups_app.command("send")
def send(
    chat_id: Annotated[str | None, typer.Argument(help="The group's chat id.")] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every tagged group (run daily, e.g. from cron).")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who sends (for the audit).")] = "cli",
) -> None:
    """Create today's digest as a WeCom mass-send task; the group owner confirms it in WeCom."""
    if (chat_id is None) == (not every):
        console.print("请给出一个 chat id，或用 --all。", markup=False)
        raise typer.Exit(2)

    async def work(digests: GroupDigests) -> list[str]:
        if every:
            done = await digests.send_all(by)
        else:
            plan, digest_id = await digests.send(chat_id or "", by)
            if plan is None:
                return [t("groups.not_found", "zh", chat_id=chat_id)]
            done = [(plan, digest_id)]
        lines = []
        for plan, digest_id in done:
            if digest_id is None:
                reason = _refusal(plan) if plan.refusal else t("groups.refuse.today", "zh")
                lines.append(f"{plan.group.name}: {reason}")
                continue
            await digests.audit(by, "groups:send", plan.group.chat_id,
                                f"{len(plan.postings)} postings")  # fmt: skip
            lines.append(f"{plan.group.name}: " + t("groups.send.done", "zh",
                         n=len(plan.postings), owner=plan.group.owner))  # fmt: skip
        return lines

    for line in _with_digests(work):
        console.print(line, markup=False)


@groups_app.command("results")
def results() -> None:
    """Read back from WeCom whether each digest was confirmed and sent, per group."""

    async def work(digests: GroupDigests) -> list[list[str]]:
        rows = []
        for d in await digests.read_results():
            group = await digests.repo.get(d.chat_id)
            sent = local(d.sent_at).strftime("%m-%d %H:%M") if d.sent_at else ""
            name = group.name if group else d.chat_id
            status = t(f"groups.status.{d.status}", "zh")
            rows.append([d.day, name, str(len(d.posting_ids)), status, sent])
        return rows

    table = Table(title=t("groups.web.results", "zh"))
    for key in ("day", "name", "postings", "result"):
        table.add_column(t(f"groups.col.{key}", "zh"))
    table.add_column("sent at")
    for row in _with_digests(work):
        table.add_row(*row)
    console.print(table)
