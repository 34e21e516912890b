"""The 微信客服 link with a scene: whoever taps it is counted for that group or 驿站 poster.

A 微信客服 account's link comes from kf/add_contact_way (`https://work.weixin.qq.com/kfid/…`
with WeCom's own `enc_scene`); our `scene_param` goes after it, URL-encoded and at most 128
bytes, and comes back in the enter_session event, where `bot.channels.wecom_kf.sync` records it as
the person's origin. `kf_link` is the one place that builds such a link (the group digests use it).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from bot.channels.limits import WECOM_KF_SCENE_PARAM_MAX_BYTES
from bot.channels.wecom.api import WeComApi
from bot.delivery.errors import Permanent

CONTACT_WAY_PATH = "/cgi-bin/kf/add_contact_way"
# add_contact_way's own scene ([0-9a-zA-Z_-], ≤ 32 bytes): one for every link we hand out;
# which group or poster it was is our scene_param.
CONTACT_SCENE = "yizhan"


def kf_link(contact_url: str, scene: str) -> str:
    """`contact_url` (an account's 微信客服 link) tagged with `scene`, e.g. 西青区-张家窝驿站."""
    scene = scene.strip()
    encoded = quote(scene, safe="")
    if not scene:
        raise ValueError("a scene is needed (e.g. 西青区-张家窝驿站)")
    if len(encoded) > WECOM_KF_SCENE_PARAM_MAX_BYTES:
        raise ValueError(
            f"scene too long: {len(encoded)} bytes URL-encoded,"
            f" WeCom takes {WECOM_KF_SCENE_PARAM_MAX_BYTES}"
        )
    parts = urlsplit(contact_url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"not a 微信客服 link: {contact_url!r}")
    kept = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "scene_param"
    ]
    query = urlencode(kept, quote_via=quote, safe="")
    query = f"{query}&scene_param={encoded}" if query else f"scene_param={encoded}"
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


async def contact_url(api: WeComApi, open_kfid: str) -> str:
    """The 微信客服 link of account `open_kfid`, from kf/add_contact_way."""
    answer = await api.post(CONTACT_WAY_PATH, {"open_kfid": open_kfid, "scene": CONTACT_SCENE})
    url = answer.get("url")
    if not isinstance(url, str) or not url:
        raise Permanent("kf/add_contact_way answered without a url")
    return url
