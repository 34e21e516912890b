"""`yizhan wechat menu` sets up the official account's menu; `qrcode` makes an official-account
QR code whose scene records where a follower came from (a 驿站 poster, a group); `kf-link`
prints a 微信客服 link."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from bot.app import open_services
from bot.channels.wechat.api import QR_SCENE_MAX, QrCode
from bot.channels.wechat.app import open_api
from bot.channels.wechat.events import menu_definition
from bot.channels.wecom.api import open_kf_api
from bot.channels.wecom_kf.link import contact_url, kf_link
from bot.cli.state import cli_state, run_async
from bot.delivery.errors import DeliveryError
from bot.settings import Settings

wechat_app = typer.Typer(
    name="wechat",
    help="WeChat official account (服务号) and 微信客服 set-up.",
    no_args_is_help=True,
)


@wechat_app.command("menu")
def menu(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the menu JSON without calling WeChat.")
    ] = False,
) -> None:
    """Install the custom menu 找工作 / 我的资料 / 更多(发布零工, 帮助) through the WeChat API."""
    definition = menu_definition("zh")
    if dry_run:
        typer.echo(json.dumps(definition, ensure_ascii=False, indent=2))
        return
    settings = cli_state.settings
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        typer.echo("请先设置 YIZHAN_WECHAT_APP_ID 和 YIZHAN_WECHAT_APP_SECRET。", err=True)
        raise typer.Exit(2)
    try:
        run_async(_install(settings, definition))
    except DeliveryError as exc:
        typer.echo(f"菜单创建失败：{exc}（检查 AppSecret 与 IP 白名单）", err=True)
        raise typer.Exit(1) from None
    typer.echo("菜单已创建：" + " / ".join(_labels(definition)))


@wechat_app.command("qrcode")
def qrcode(
    scene: Annotated[
        str, typer.Option("--scene", help="Where the code hangs, e.g. 西青区-张家窝驿站 (≤64).")
    ],
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, max=30, help="A temporary code for N days (default: permanent)."
        ),
    ] = None,
) -> None:
    """Create an official-account QR code with a scene: who follows or scans by it is counted
    for that scene in `yizhan stats`. Prints the image URL to print, and the ticket."""
    if not 1 <= len(scene.strip()) <= QR_SCENE_MAX:
        typer.echo(f"场景名需为 1–{QR_SCENE_MAX} 个字符。", err=True)
        raise typer.Exit(2)
    settings = cli_state.settings
    if not (settings.wechat_app_id and settings.wechat_app_secret):
        typer.echo("请先设置 YIZHAN_WECHAT_APP_ID 和 YIZHAN_WECHAT_APP_SECRET。", err=True)
        raise typer.Exit(2)
    try:
        code = run_async(_qrcode(settings, scene.strip(), days * 86_400 if days else None))
    except DeliveryError as exc:
        typer.echo(f"二维码创建失败：{exc}（检查 AppSecret 与 IP 白名单）", err=True)
        raise typer.Exit(1) from None
    kind = f"{days} 天有效" if days else "永久"
    typer.echo(f"场景：{code.scene}（{kind}）")
    typer.echo(f"二维码图片：{code.image_url}")
    typer.echo(f"ticket：{code.ticket}")
    if code.url:
        typer.echo(f"二维码内容：{code.url}")


async def _qrcode(settings: Settings, scene: str, expire_seconds: int | None) -> QrCode:
    async with (
        open_services(settings, with_matcher=False) as services,
        open_api(settings, services) as api,
    ):
        return await api.create_qrcode(scene, expire_seconds)


async def _install(settings: Settings, definition: dict[str, object]) -> None:
    async with (
        open_services(settings, with_matcher=False) as services,
        open_api(settings, services) as api,
    ):
        await api.create_menu(definition)


def _labels(definition: dict[str, object]) -> list[str]:
    """Button names as shown: 更多（发布零工、帮助） for a sub-menu."""
    labels: list[str] = []
    buttons = definition.get("button")
    assert isinstance(buttons, list)
    for button in buttons:
        subs = "、".join(sub["name"] for sub in button.get("sub_button", []))
        labels.append(f"{button['name']}（{subs}）" if subs else button["name"])
    return labels


@wechat_app.command("kf-link")
def kf_link_command(
    scene: Annotated[
        str, typer.Option("--scene", help="Where the link hangs, e.g. 西青区-张家窝驿站.")
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="The account's 微信客服 link, copied from the WeCom admin."),
    ] = None,
    open_kfid: Annotated[
        str | None,
        typer.Option("--open-kfid", help="The account id (wk…): its link is asked from WeCom."),
    ] = None,
) -> None:
    """Print the 微信客服 link that records SCENE as the origin of whoever taps it."""
    if (url is None) == (open_kfid is None):
        typer.echo("请给出 --url 或 --open-kfid 其中之一。", err=True)
        raise typer.Exit(2)
    try:
        base = url if url is not None else run_async(_contact_url(cli_state.settings, open_kfid))
        typer.echo(kf_link(base, scene))
    except (ValueError, DeliveryError) as exc:
        typer.echo(f"无法生成微信客服链接：{exc}", err=True)
        raise typer.Exit(1) from None


async def _contact_url(settings: Settings, open_kfid: str | None) -> str:
    assert open_kfid is not None
    async with (
        open_services(settings, with_matcher=False) as services,
        open_kf_api(settings, services) as api,
    ):
        return await contact_url(api, open_kfid)
