"""The WeCom self-built app's callback at `/wecom/callback`: URL verification and encrypted events.

WeCom always encrypts (the same AES scheme as the official account's safe mode, with the corp
id in place of the AppID; wechatpy 1.8's `wechatpy.enterprise.crypto`). The GET carries an
encrypted `echostr` that we answer decrypted; a POST is answered "success" at once, because
the messages themselves are fetched with kf/sync_msg: the event only says that there are new
ones. A customer group's `change_external_chat` event (create, update with its UpdateDetail,
dismiss) likewise only names the group; the group is read again with groupchat/get. So a
replayed event costs one extra call and nothing else, and no replay cache is kept; the
timestamp skew and the signature are still checked before anything is decrypted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot.channels.wechat.callback import (
    MAX_BODY_BYTES,
    MAX_SKEW,
    SUCCESS,
    Refused,
    fresh_timestamp,
    read_body,
    safe_root,
)
from bot.settings import Settings, reveal

log = logging.getLogger(__name__)

# (open_kfid, token): the 微信客服 account with news, and the token sync_msg takes (10 minutes).
KfEventHook = Callable[[str, str], None]
# (chat_id, ChangeType, UpdateDetail): a customer group was created, changed or dismissed.
# ChangeType is create / update / dismiss; UpdateDetail (update only) is add_member,
# del_member, change_owner, change_name or change_notice.
GroupEventHook = Callable[[str, str, str], None]


@dataclass(frozen=True, slots=True)
class WeComConfig:
    """What the callback needs from the settings."""

    token: str
    aes_key: str
    corp_id: str
    max_body_bytes: int = MAX_BODY_BYTES
    max_skew: timedelta = MAX_SKEW

    @classmethod
    def from_settings(cls, settings: Settings) -> WeComConfig | None:
        """The callback's configuration, or None when the WeCom app is not set up."""
        if not (settings.wecom_token and settings.wecom_aes_key and settings.wecom_corp_id):
            return None
        return cls(
            reveal(settings.wecom_token), reveal(settings.wecom_aes_key), settings.wecom_corp_id
        )


class WeComCallback:
    """The aiohttp handlers for GET (URL verification) and POST (events) at one path."""

    def __init__(
        self,
        config: WeComConfig,
        clock: Callable[[], datetime],
        on_kf_event: KfEventHook,
        on_group_event: GroupEventHook | None = None,  # None: groups are not kept here
    ) -> None:
        self._config = config
        self._clock = clock
        self._on_kf_event = on_kf_event
        self._on_group_event = on_group_event
        self._crypto = WeChatCrypto(config.token, config.aes_key, config.corp_id)

    def add_routes(self, app: web.Application, path: str = "/wecom/callback") -> None:
        """Serve the callback at `path` of `app`."""
        app.router.add_get(path, self.verify)
        app.router.add_post(path, self.receive)

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification: the decrypted `echostr`, when the signature is WeCom's."""
        try:
            timestamp, nonce, signature = self._check_query(request)
            echo = request.query.get("echostr", "")
            try:
                plain = self._crypto.check_signature(signature, timestamp, nonce, echo)
            except InvalidSignatureException as exc:
                raise Refused(403, "bad msg_signature") from exc
            except InvalidCorpIdException as exc:
                raise Refused(403, "wrong corp id") from exc
            except Exception as exc:  # garbled ciphertext
                raise Refused(400, "undecryptable echostr") from exc
        except Refused as refused:
            return _refusal(refused, request)
        text = plain.decode("utf-8") if isinstance(plain, bytes) else str(plain)
        return web.Response(text=text)

    async def receive(self, request: web.Request) -> web.Response:
        """One encrypted event: 微信客服 news starts a sync, a group change a re-read.

        Never raises, whatever arrives.
        """
        try:
            timestamp, nonce, signature = self._check_query(request)
            body = await read_body(request, self._config.max_body_bytes)
            encrypted = (safe_root(body).findtext("Encrypt") or "").strip()
            if not encrypted:
                raise Refused(403, "encrypted message expected")
            try:
                plain = self._crypto.decrypt_message(
                    {"Encrypt": encrypted}, signature, timestamp, nonce
                )
            except InvalidSignatureException as exc:
                raise Refused(403, "bad msg_signature") from exc
            except InvalidCorpIdException as exc:
                raise Refused(403, "wrong corp id") from exc
            except Exception as exc:  # base64, padding, UTF-8
                raise Refused(400, "undecryptable message") from exc
            data = plain.encode("utf-8") if isinstance(plain, str) else bytes(plain)
            root = safe_root(data)
        except Refused as refused:
            return _refusal(refused, request)
        event = (root.findtext("Event") or "").strip()
        if event == "kf_msg_or_event":
            open_kfid = (root.findtext("OpenKfId") or "").strip()
            if open_kfid:
                self._on_kf_event(open_kfid, (root.findtext("Token") or "").strip())
        elif event == "change_external_chat" and self._on_group_event is not None:
            chat_id = (root.findtext("ChatId") or "").strip()
            if chat_id:
                change = (root.findtext("ChangeType") or "").strip()
                self._on_group_event(
                    chat_id, change, (root.findtext("UpdateDetail") or "").strip()
                )
        else:
            log.info("WeCom callback: %s ignored", event or root.findtext("MsgType") or "?")
        return web.Response(text=SUCCESS)

    def _check_query(self, request: web.Request) -> tuple[str, str, str]:
        """(timestamp, nonce, msg_signature) of a fresh request; the signature is checked later."""
        timestamp, nonce = fresh_timestamp(request.query, self._clock(), self._config.max_skew)
        signature = request.query.get("msg_signature", "")
        if not signature:
            raise Refused(403, "missing msg_signature")
        return timestamp, nonce, signature


def _refusal(refused: Refused, request: web.Request) -> web.Response:
    log.warning("refused WeCom %s from %s: %s", request.method, request.remote, refused)
    return web.Response(status=refused.status, text=refused.reason)
