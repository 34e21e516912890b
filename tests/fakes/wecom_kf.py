"""微信客服 on the fake WeCom server, and WeCom's side of the app callback.

`FakeKf` adds kf/sync_msg (paged by cursor, in WeCom's response shape), kf/send_msg (with the
platform's own rule: 5 messages within 48 hours after the user's last message, 95001 / 95002
beyond), kf/send_msg_on_event (a welcome code works once) and kf/add_contact_way to a
`FakeWeCom`. kf/service_state/get and /trans keep each user's session state (0 new, 1 with
the bot, 2 in the caseworkers' queue, 3 served by a caseworker, 4 ended) with WeCom's allowed
moves; send_msg works only in states 0 and 1 and answers 95018 otherwise. `KfSide` builds the
encrypted callback requests with wechatpy's WeCom crypto.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from defusedxml.ElementTree import fromstring
from wechatpy.enterprise.crypto import WeChatCrypto

from tests.fakes.wecom_api import FakeWeCom

WINDOW = timedelta(hours=48)
SYNC = "/cgi-bin/kf/sync_msg"
SEND = "/cgi-bin/kf/send_msg"
WELCOME = "/cgi-bin/kf/send_msg_on_event"
CONTACT_WAY = "/cgi-bin/kf/add_contact_way"
STATE_GET = "/cgi-bin/kf/service_state/get"
STATE_TRANS = "/cgi-bin/kf/service_state/trans"
# The moves kf/service_state/trans allows from each state (4 is final until the user writes).
MOVES = {0: {1, 2, 3, 4}, 1: {1, 2, 3, 4}, 2: {2, 3, 4}, 3: {3, 4}, 4: set()}


@dataclass
class FakeKf:
    """The 微信客服 endpoints; call `install` before the FakeWeCom starts."""

    wecom: FakeWeCom
    clock: Callable[[], datetime]
    open_kfid: str = "wkSTATION"
    page_size: int = 1000
    messages: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted send_msg bodies
    welcomed: list[dict[str, Any]] = field(default_factory=list)
    wrote_at: dict[str, datetime] = field(default_factory=dict)
    sent_since: dict[str, int] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)
    states: dict[str, int] = field(default_factory=dict)  # external_userid -> service_state
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def install(self) -> FakeKf:
        self.wecom.route("POST", SYNC, self._sync)
        self.wecom.route("POST", SEND, self._send)
        self.wecom.route("POST", WELCOME, self._welcome)
        self.wecom.route("POST", CONTACT_WAY, self._contact_way)
        self.wecom.route("POST", STATE_GET, self._state_get)
        self.wecom.route("POST", STATE_TRANS, self._state_trans)
        return self

    # what WeChat users do --------------------------------------------------------------------
    def user_text(self, user: str, content: str) -> str:
        """The user writes: a text in the account's message list; their window opens."""
        self._wrote(user)
        return self._add(user, "text", origin=3, text={"content": content})

    def user_location(self, user: str, lat: float, lon: float) -> str:
        """The user shares a location (it opens the window like a text)."""
        self._wrote(user)
        place = {"latitude": lat, "longitude": lon, "name": "", "address": ""}
        return self._add(user, "location", origin=3, location=place)

    def enter_session(self, user: str, scene_param: str = "", welcome: bool = True) -> str:
        """The user taps the account's link (with `scene_param`, URL-encoded as in the link)."""
        event: dict[str, Any] = {
            "event_type": "enter_session",
            "open_kfid": self.open_kfid,
            "external_userid": user,
            "scene": "yizhan",
        }
        if scene_param:
            event["scene_param"] = quote(scene_param, safe="")
        if welcome:
            code = f"WELCOME-{len(self.codes) + 1}"
            self.codes.add(code)
            event["welcome_code"] = code
        return self._add(user, "event", origin=4, event=event)

    def take_over(self, user: str, servicer: str = "caseworker1") -> None:
        """A caseworker picks the conversation up in the WeCom client (state 3)."""
        self.states[user] = 3
        event = {
            "event_type": "session_status_change",
            "open_kfid": self.open_kfid,
            "external_userid": user,
            "change_type": 1,
            "new_servicer_userid": servicer,
        }
        self._add(user, "event", origin=4, event=event)  # fmt: skip

    def servicer_text(self, user: str, content: str) -> str:
        """What the caseworker writes from the WeCom client (origin 5)."""
        return self._add(user, "text", origin=5, text={"content": content})

    def end_session(self, user: str) -> None:
        """The caseworker ends the conversation (state 4)."""
        self.states[user] = 4

    def _wrote(self, user: str) -> None:
        self.wrote_at[user] = self.clock()
        self.sent_since[user] = 0
        if self.states.get(user, 4) == 4:
            self.states[user] = 0  # writing again after the end starts a new session

    def cursors(self) -> list[str]:
        """The cursor of every sync_msg call, refused ones included."""
        return [call.body["cursor"] for call in self.wecom.calls if call.path == SYNC]

    def texts_to(self, user: str) -> list[str]:
        """What reached `user`: welcome messages and send_msg texts, in order."""
        return [body["text"]["content"] for body in self.sent if body["touser"] == user]

    def _add(self, user: str, kind: str, origin: int, **content: Any) -> str:
        msgid = f"MSG{next(self._ids):04d}"
        self.messages.append(
            {
                "msgid": msgid,
                "open_kfid": self.open_kfid,
                "external_userid": user,
                "send_time": int(self.clock().timestamp()),
                "origin": origin,
                "msgtype": kind,
                **content,
            }
        )
        return msgid

    # endpoints -------------------------------------------------------------------------------
    def _sync(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        cursor = str(body.get("cursor") or "")
        if body.get("open_kfid") != self.open_kfid:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        start = int(cursor.removeprefix("c")) if cursor else 0
        end = min(len(self.messages), start + min(self.page_size, int(body.get("limit") or 1000)))
        return {
            "next_cursor": f"c{end}",
            "has_more": int(end < len(self.messages)),
            "msg_list": self.messages[start:end],
        }

    def _send(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        user = body.get("touser", "")
        if body.get("open_kfid") != self.open_kfid:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        wrote = self.wrote_at.get(user)
        if wrote is None or self.clock() - wrote >= WINDOW:
            return {"errcode": 95002, "errmsg": "send msg time limit"}
        if self.states.get(user, 4) not in (0, 1):
            return {"errcode": 95018, "errmsg": "send msg session status invalid"}
        if self.sent_since[user] >= 5:
            return {"errcode": 95001, "errmsg": "send msg count limit"}
        self.sent_since[user] += 1
        self.sent.append(body)
        return {"msgid": f"OUT{len(self.sent)}"}

    def _welcome(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        code = body.get("code", "")
        if code not in self.codes:
            return {"errcode": 95007, "errmsg": "invalid msg code"}
        self.codes.discard(code)  # a welcome code is good for one message
        self.welcomed.append(body)
        user = next(
            m["event"]["external_userid"]
            for m in self.messages
            if m["msgtype"] == "event" and m["event"].get("welcome_code") == code
        )
        self.sent.append({"touser": user, **body})
        return {"msgid": f"WEL{len(self.welcomed)}"}

    def _state_get(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        if body.get("open_kfid") != self.open_kfid:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        state = self.states.get(body.get("external_userid", ""), 4)
        answer: dict[str, Any] = {"service_state": state}
        if state == 3:
            answer["servicer_userid"] = "caseworker1"
        return answer

    def _state_trans(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        if body.get("open_kfid") != self.open_kfid:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        user = body.get("external_userid", "")
        state, target = self.states.get(user, 4), int(body.get("service_state", -1))
        if target not in MOVES[state] or (target == 3 and not body.get("servicer_userid")):
            return {"errcode": 40058, "errmsg": "invalid service_state move"}
        self.states[user] = target
        return {"msg_code": f"TRANS-{user}-{target}"} if target in (2, 3) else {}

    def _contact_way(self, body: dict[str, Any], _query: dict[str, str]) -> dict[str, Any]:
        if body.get("open_kfid") != self.open_kfid:
            return {"errcode": 95000, "errmsg": "invalid open_kfid"}
        return {
            "url": f"https://work.weixin.qq.com/kfid/kfc0123456789?enc_scene=ENC{body['scene']}"
        }


@dataclass
class KfSide:
    """WeCom's side of the app callback: signed, encrypted GETs and POSTs."""

    token: str
    aes_key: str
    corp_id: str
    agent_id: int = 1000002
    _nonce: int = 0

    def _crypto(self, corp_id: str | None = None) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, corp_id or self.corp_id)

    def _sealed(
        self, text: str, timestamp: int, corp_id: str | None
    ) -> tuple[dict[str, str], str]:
        self._nonce += 1
        nonce = f"n{self._nonce}"
        root = fromstring(self._crypto(corp_id).encrypt_message(text, nonce, str(timestamp)))
        query = {
            "msg_signature": root.findtext("MsgSignature"),
            "timestamp": str(timestamp),
            "nonce": nonce,
        }
        return query, root.findtext("Encrypt")

    def verification(self, echo: str, timestamp: int) -> dict[str, str]:
        """The URL-verification GET query: `echostr` encrypted, as WeCom sends it."""
        query, encrypted = self._sealed(echo, timestamp, None)
        return {**query, "echostr": encrypted}

    def kf_event(
        self, open_kfid: str, timestamp: int, token: str = "SYNCTOKEN", corp_id: str | None = None
    ) -> tuple[dict[str, str], str]:
        """The POST of a kf_msg_or_event: query and encrypted body."""
        xml = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[kf_msg_or_event]]></Event>"
            f"<Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{open_kfid}]]></OpenKfId></xml>"
        )
        return self._post(xml, timestamp, corp_id)

    def _post(self, xml: str, timestamp: int, corp_id: str | None) -> tuple[dict[str, str], str]:
        query, encrypted = self._sealed(xml, timestamp, corp_id)
        body = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            f"<AgentID><![CDATA[{self.agent_id}]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        )
        return query, body

    def group_event(
        self, chat_id: str, change_type: str, timestamp: int, detail: str = ""
    ) -> tuple[dict[str, str], str]:
        """The POST of a customer group's change_external_chat event: query and body."""
        detail_xml = f"<UpdateDetail><![CDATA[{detail}]]></UpdateDetail>" if detail else ""
        xml = (
            f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
            "<FromUserName><![CDATA[sys]]></FromUserName>"
            f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            "<Event><![CDATA[change_external_chat]]></Event>"
            f"<ChatId><![CDATA[{chat_id}]]></ChatId>"
            f"<ChangeType><![CDATA[{change_type}]]></ChangeType>{detail_xml}"
            "<JoinScene>0</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>1</MemChangeCnt></xml>"
        )
        return self._post(xml, timestamp, None)
