"""The WeCom 客户联系 calls for customer groups: list and read groups, create a group mass-send
task, read its results (#21). Request and answer shapes are WeCom's; `WeComApi` handles the
token and errcodes. The task goes out only after the group owner confirms it in WeCom.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels.wecom.api import WeComApi
from bot.delivery.errors import Permanent
from models.repos.customer_groups import SyncedGroup

LIST_PATH = "/cgi-bin/externalcontact/groupchat/list"
GET_PATH = "/cgi-bin/externalcontact/groupchat/get"
ADD_TASK_PATH = "/cgi-bin/externalcontact/add_msg_template"
TASK_PATH = "/cgi-bin/externalcontact/get_groupmsg_task"
RESULT_PATH = "/cgi-bin/externalcontact/get_groupmsg_send_result"
LIST_LIMIT = 1000  # groupchat/list takes 1-1000 a page
RESULT_LIMIT = 1000  # get_groupmsg_task / send_result: at most 1000 a page
# add_msg_template: text.content is at most 4,000 bytes.
TEXT_MAX_BYTES = 4000
# get_groupmsg_send_result status: 0 not sent yet (the owner has not confirmed), 1 sent,
# 2 not sent: not a customer of the sender, 3 not sent: the group already had its mass sends.
SEND_STATUS = {0: "waiting", 1: "sent", 2: "not_member", 3: "over_cap"}


def group_scene(chat_id: str) -> str:
    """The scene of a customer group's 微信客服 link (`scene_param`, up to 128 bytes), counted
    per group by `yizhan stats`: "group:" and the chat id (32 characters)."""
    return f"group:{chat_id}"


@dataclass(frozen=True, slots=True)
class SendResult:
    """One group's row of get_groupmsg_send_result."""

    chat_id: str
    status: str  # a SEND_STATUS value
    sent_at: datetime | None


class GroupsApi:
    """Customer groups through one WeCom secret with 客户联系 permission."""

    def __init__(self, api: WeComApi) -> None:
        self._api = api

    async def chat_ids(self) -> list[str]:
        """Every customer group of the members the app sees (cursor pages)."""
        ids: list[str] = []
        cursor = ""
        while True:
            body: dict[str, Any] = {"status_filter": 0, "limit": LIST_LIMIT}
            if cursor:
                body["cursor"] = cursor
            answer = await self._api.post(LIST_PATH, body)
            ids.extend(str(g["chat_id"]) for g in answer.get("group_chat_list", []))
            cursor = str(answer.get("next_cursor") or "")
            if not cursor:
                return ids

    async def group(self, chat_id: str) -> SyncedGroup:
        """Name, owner and member count of one group (raises GroupGone when dissolved)."""
        answer = await self._api.post(GET_PATH, {"chat_id": chat_id, "need_name": 0})
        chat = answer.get("group_chat")
        if not isinstance(chat, dict):
            raise Permanent(f"groupchat/get without group_chat for {chat_id}")
        return SyncedGroup(
            chat_id,
            str(chat.get("name") or ""),
            str(chat.get("owner") or ""),
            len(chat.get("member_list") or ()),
        )

    async def create_task(self, owner: str, chat_ids: Sequence[str], text: str, link: str,
                          link_title: str) -> str:  # fmt: skip
        """A group mass-send task from `owner` to their groups; WeCom's msgid."""
        body = {
            "chat_type": "group",
            "sender": owner,
            "chat_id_list": list(chat_ids),
            "text": {"content": text},
            "attachments": [{"msgtype": "link", "link": {"title": link_title, "url": link}}],
        }
        answer = await self._api.post(ADD_TASK_PATH, body)
        msgid = answer.get("msgid")
        if not isinstance(msgid, str) or not msgid:
            raise Permanent(f"add_msg_template refused: fail_list {answer.get('fail_list')}")
        return msgid

    async def owners_confirmed(self, msgid: str) -> dict[str, bool]:
        """Per sender of the task: whether they confirmed it (get_groupmsg_task, 2 = sent)."""
        out: dict[str, bool] = {}
        async for row in self._pages(TASK_PATH, {"msgid": msgid}, "task_list"):
            out[str(row.get("userid"))] = row.get("status") == 2
        return out

    async def results(self, msgid: str, owner: str) -> list[SendResult]:
        """Per group of the owner's part of the task: sent, waiting, or why not."""
        rows = self._pages(RESULT_PATH, {"msgid": msgid, "userid": owner}, "send_list")
        results = []
        async for row in rows:
            when = row.get("send_time")
            sent_at = datetime.fromtimestamp(when, UTC) if isinstance(when, int) and when else None
            status = SEND_STATUS.get(int(row.get("status", 0)), "waiting")
            results.append(SendResult(str(row.get("chat_id") or ""), status, sent_at))
        return results

    async def _pages(
        self, path: str, body: dict[str, Any], key: str
    ) -> AsyncIterator[Mapping[str, Any]]:
        cursor = ""
        while True:
            page = {**body, "limit": RESULT_LIMIT, **({"cursor": cursor} if cursor else {})}
            answer = await self._api.post(path, page)
            for row in answer.get(key, []):
                yield row
            cursor = str(answer.get("next_cursor") or "")
            if not cursor:
                return
