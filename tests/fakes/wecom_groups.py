"""Customer-group endpoints for FakeWeCom, with WeCom's request and answer shapes (#21).

groupchat/list pages by cursor (`page_size` per page), groupchat/get answers 40050 for a
dissolved group, add_msg_template checks chat_type/sender/chat_id_list and answers a msgid,
get_groupmsg_task / get_groupmsg_send_result report what owners confirmed. Each group keeps
WeCom's receive cap: a confirmed send beyond `monthly_cap` comes back as status 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fakes.wecom_api import FakeWeCom

BASE = "/cgi-bin/externalcontact"

# The groups most tests use: (chat id, name, owner, members).
ZHANGJIAWO = ("wrAAA1", "张家窝保洁群", "zhangsan", 120)
YANGLIUQING = ("wrBBB2", "杨柳青普工群", "lisi", 80)


@dataclass
class FakeGroup:
    """One customer group on the fake's side."""

    chat_id: str
    name: str
    owner: str
    members: int = 3
    dissolved: bool = False
    received: int = 0  # mass sends received this month


@dataclass
class Task:
    """One add_msg_template task."""

    msgid: str
    sender: str
    chat_ids: list[str]
    text: str
    attachments: list[Any]
    confirmed: bool = False
    results: dict[str, int] = field(default_factory=dict)  # chat_id -> send status
    send_time: int = 0


@dataclass
class FakeGroups:
    """The groups and tasks; `install` adds the routes to a FakeWeCom before it starts."""

    groups: dict[str, FakeGroup] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    page_size: int = 2
    monthly_cap: int = 30

    def add(self, chat_id: str, name: str, owner: str, members: int = 3) -> FakeGroup:
        self.groups[chat_id] = FakeGroup(chat_id, name, owner, members)
        return self.groups[chat_id]

    def install(self, fake: FakeWeCom) -> None:
        fake.route("POST", f"{BASE}/groupchat/list", self._list)
        fake.route("POST", f"{BASE}/groupchat/get", self._get)
        fake.route("POST", f"{BASE}/add_msg_template", self._add)
        fake.route("POST", f"{BASE}/get_groupmsg_task", self._task)
        fake.route("POST", f"{BASE}/get_groupmsg_send_result", self._result)

    def confirm(self, msgid: str, at: int = 1_764_640_000) -> None:
        """The owner taps 发送 in WeCom: each group receives it unless over its cap."""
        task = self.tasks[msgid]
        task.confirmed, task.send_time = True, at
        for chat_id in task.chat_ids:
            group = self.groups[chat_id]
            if group.received >= self.monthly_cap:
                task.results[chat_id] = 3
            else:
                group.received += 1
                task.results[chat_id] = 1

    # endpoints ---------------------------------------------------------------------------------
    def _list(self, body: Any, _query: dict[str, str]) -> dict[str, Any]:
        live = [g for g in self.groups.values() if not g.dissolved]
        start = int(body.get("cursor") or 0)
        limit = min(int(body.get("limit", 1000)), self.page_size)
        page = live[start : start + limit]
        following = start + limit
        return {
            "group_chat_list": [{"chat_id": g.chat_id, "status": 0} for g in page],
            "next_cursor": str(following) if following < len(live) else "",
        }

    def _get(self, body: Any, _query: dict[str, str]) -> dict[str, Any]:
        group = self.groups.get(body.get("chat_id", ""))
        if group is None or group.dissolved:
            return {"errcode": 40050, "errmsg": "chatid not found"}
        members = [{"userid": f"wm{i}", "type": 2, "join_scene": 3} for i in range(group.members)]
        return {
            "group_chat": {
                "chat_id": group.chat_id,
                "name": group.name,
                "owner": group.owner,
                "create_time": 1_700_000_000,
                "member_list": members,
                "admin_list": [],
            }
        }

    def _add(self, body: Any, _query: dict[str, str]) -> dict[str, Any]:
        if body.get("chat_type") != "group" or not body.get("sender"):
            return {"errcode": 41062, "errmsg": "sender required for group chat_type"}
        chat_ids = list(body.get("chat_id_list") or [])
        for chat_id in chat_ids:
            group = self.groups.get(chat_id)
            if group is None or group.dissolved:
                return {"errcode": 90501, "errmsg": "chat is not external group chat"}
            if group.owner != body["sender"]:
                return {"errcode": 41063, "errmsg": "sender is not the owner"}
        msgid = f"msg{len(self.tasks) + 1}"
        self.tasks[msgid] = Task(msgid, body["sender"], chat_ids,
                                 body["text"]["content"], body.get("attachments", []))  # fmt: skip
        return {"fail_list": [], "msgid": msgid}

    def _task(self, body: Any, _query: dict[str, str]) -> dict[str, Any]:
        task = self.tasks[body["msgid"]]
        status = 2 if task.confirmed else 0
        row: dict[str, Any] = {"userid": task.sender, "status": status}
        if task.confirmed:
            row["send_time"] = task.send_time
        return {"next_cursor": "", "task_list": [row]}

    def _result(self, body: Any, _query: dict[str, str]) -> dict[str, Any]:
        task = self.tasks[body["msgid"]]
        rows = []
        for chat_id in task.chat_ids:
            status = task.results.get(chat_id, 0)
            row: dict[str, Any] = {"chat_id": chat_id, "userid": task.sender, "status": status}
            if status == 1:
                row["send_time"] = task.send_time
            rows.append(row)
        return {"next_cursor": "", "send_list": rows}


def fake_with_groups(
    *groups: tuple[str, str, str, int],
    corp_id: str = "wwcorp",
    secrets: dict[str, str] | None = None,
) -> tuple[FakeWeCom, FakeGroups]:
    """A FakeWeCom (not yet started) serving these customer groups, and the groups' side."""
    side = FakeGroups()
    for chat_id, name, owner, members in groups:
        side.add(chat_id, name, owner, members=members)
    fake = FakeWeCom(corp_id=corp_id, secrets=secrets or {"app-secret": "app"})
    side.install(fake)
    return fake, side
