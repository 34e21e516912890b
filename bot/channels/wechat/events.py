"""wechatpy messages and events -> `Incoming` (or what the callback does instead of routing).

The custom menu lives here too: a CLICK event carries the menu key, which becomes the command
word the router already understands, with `event=Event(EventKind.MENU, <key>)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from handlers.routing import Command
from handlers.texts import t
from models.messages import Channel, DialogKey, Event, EventKind, Incoming, Location, Reply


@dataclass(frozen=True, slots=True)
class MenuItem:
    """One button of the custom menu: its key, catalogue label, and the command it runs."""

    key: str
    label_key: str
    command: str  # a routed command's name; its label is said instead while there is none


# At most 3 first-level buttons of up to 4 Chinese characters (16 bytes) each, so 发布零工
# (employers) and 帮助 share the third button's sub-menu; seekers use the first two most.
MENU: tuple[MenuItem, ...] = (
    MenuItem("jobs", "wechat.menu.jobs", "jobs"),
    MenuItem("profile", "wechat.menu.profile", "profile"),
    MenuItem("post", "wechat.menu.post", "post"),
    MenuItem("help", "wechat.menu.help", "help"),
)
_SUB_MENU_LABEL = "wechat.menu.more"


def menu_definition(lang: str = "zh") -> dict[str, Any]:
    """The JSON body of /cgi-bin/menu/create for our menu."""

    def button(item: MenuItem) -> dict[str, str]:
        return {"type": "click", "name": t(item.label_key, lang), "key": item.key}

    first, second, *rest = MENU
    return {
        "button": [
            button(first),
            button(second),
            {"name": t(_SUB_MENU_LABEL, lang), "sub_button": [button(item) for item in rest]},
        ]
    }


def menu_command(key: str, commands: Mapping[str, Command]) -> str | None:
    """The words a menu click says: its command's word, or its Chinese label; None if unknown."""
    for item in MENU:
        if item.key == key:
            command = commands.get(item.command)
            return command.words[0] if command is not None else t(item.label_key, "zh")
    return None


@dataclass(frozen=True, slots=True)
class Translated:
    """What one WeChat message means for the callback."""

    incoming: Incoming | None = None  # goes to the router
    greeting: Reply | None = None  # said before the router's answer (a new follower)
    reply: str | None = None  # answered directly; the dialog is not involved
    unsubscribed: bool = False
    consents: tuple[tuple[str, bool], ...] = ()  # 订阅通知 (template id, accepted)
    origin: str | None = None  # the scene of the QR code followed or scanned (qrscene_…)


def to_incoming(
    message: Any, root: Element, lang: str, commands: Mapping[str, Command]
) -> Translated:
    """Translate a parsed wechatpy message; `root` is the same XML from the safe pre-parse."""
    key = DialogKey(Channel.WECHAT, str(message.source))
    kind = (root.findtext("MsgType") or "").strip().lower()  # wechatpy says "unknown" for new ones
    if kind == "text":
        return Translated(Incoming(key, text=str(message.content or ""), message_id=_id(message)))
    if kind == "voice" and message.recognition:  # speech recognition, where the account has it
        return Translated(Incoming(key, text=str(message.recognition), message_id=_id(message)))
    if kind == "location":
        location = Location.read(message.location_x, message.location_y)
        if location is None:
            return Translated(reply=t("wechat.unsupported", lang))
        return Translated(Incoming(key, location=location, message_id=_id(message)))
    if kind == "event":
        return _event(message, root, key, lang, commands)
    return Translated(reply=t("wechat.unsupported", lang))


def _event(
    message: Any, root: Element, key: DialogKey, lang: str, commands: Mapping[str, Command]
) -> Translated:
    # wechatpy names QR-scan follows "subscribe_scan"; events it does not know come from the XML.
    event = str(getattr(message, "event", "") or root.findtext("Event") or "").strip().lower()
    # Events have no MsgId; WeChat recommends FromUserName + CreateTime to spot its retries.
    event_id = f"{message.source}:{message.time}:{event}"
    if event in ("subscribe", "subscribe_scan"):
        scene = str(message.scene_id or "") if event == "subscribe_scan" else ""
        said = Event(EventKind.START, scene) if scene else Event(EventKind.SUBSCRIBE)
        incoming = Incoming(key, message_id=event_id, event=said)
        return Translated(
            incoming, greeting=Reply(t("wechat.welcome", lang)), origin=scene or None
        )
    if event == "scan" and message.scene_id:
        scene = str(message.scene_id)
        scanned = Event(EventKind.START, scene)
        return Translated(Incoming(key, message_id=event_id, event=scanned), origin=scene)
    if event == "unsubscribe":
        return Translated(unsubscribed=True)
    if event == "click":
        menu_key = str(message.key or "")
        command = menu_command(menu_key, commands)
        if command is None:
            return Translated()
        return Translated(
            Incoming(key, text=command, message_id=event_id, event=Event(EventKind.MENU, menu_key))
        )
    if event in ("subscribe_msg_popup_event", "subscribe_msg_change_event"):
        return Translated(consents=_consents(root))
    return Translated()  # location reports, menu links (VIEW), template receipts: nothing to say


def _id(message: Any) -> str:
    return str(message.id) if message.id else f"{message.source}:{message.time}"


def _consents(root: Element) -> tuple[tuple[str, bool], ...]:
    """(template id, accepted) pairs of a subscribe_msg_popup/change event."""
    pairs: list[tuple[str, bool]] = []
    for item in root.iter("List"):
        template_id = (item.findtext("TemplateId") or "").strip()
        status = (item.findtext("SubscribeStatusString") or "").strip().lower()
        if template_id and status in ("accept", "reject"):
            pairs.append((template_id, status == "accept"))
    return tuple(pairs)
