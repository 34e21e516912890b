"""The one typed configuration, from `YIZHAN_*` environment variables (and `./.env`) at the edge.

Every field has a default so that the offline console default works with no tokens at all. Tokens,
keys and robot URLs are `SecretStr`: their repr is `**********`, so a logged or printed Settings
never shows them; `.get_secret_value()` is called only where the value goes on the wire.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from matching.admin_divisions import home_city
from matching.encoder_backend import Backend
from matching.reach_cap import ReachCap


class Settings(BaseSettings):
    """All settings; `build_app` hands each component only what it needs."""

    # Environment variables win over `.env` (in the working directory; a missing file is fine).
    model_config = SettingsConfigDict(
        env_prefix="YIZHAN_", extra="ignore", env_file=".env", env_file_encoding="utf-8"
    )

    db: Path = Field(Path("yizhan.db"), description="SQLite database file.")
    database_url: str | None = Field(
        None,
        description="Database URL, sqlite:///path or postgresql://user@host/name; empty = `db`.",
    )
    cache_dir: Path = Field(
        Path.home() / ".cache" / "yizhan",
        description="Where the bundled model is expanded once (about 465 MB).",
    )
    embedding_model: str | None = Field(
        None,
        description="Folder of a local sentence-transformers model; empty = bundled e5-small.",
    )
    encoder_backend: Backend = Field(
        "auto",
        description="Inference path of the model: auto (chosen from the CPU at start), torch,"
        " torch-bf16, onnx, onnx-int8 or onnx-int7 (7-bit weights, for CPUs without VNNI).",
    )
    log_level: str = Field("INFO", description="Python logging level.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as plain text or as JSON objects (one per line)."
    )
    lang: str = Field("zh", description="Default language of new users: zh or en.")

    # Matching and intake policy
    min_wage_monthly: float = Field(
        2320.0, description="Statutory monthly minimum wage (Tianjin); lower pay is a risk signal."
    )
    moderation: bool = Field(
        False, description="Hold every employer post for a caseworker before publishing."
    )
    risk_hold_threshold: float = Field(
        0.5, description="Risk score at or above which a posting is held, never pushed."
    )
    gig_expiry_days: int = Field(3, description="Days until a gig (零工) posting expires.")
    job_expiry_days: int = Field(30, description="Days until other postings expire.")
    reach_threshold: float = Field(
        0.3, description="Lowest match score at which a new posting is pushed to a seeker."
    )
    push_reach_cap: ReachCap = Field(
        ReachCap(),
        description="How many seekers one posting is pushed to, the best-fitting first:"
        " max(floor, headcount × per_head), at most ceiling (50, 30, 500: about one pushed"
        " seeker in ten answers, an employer wants about three candidates per opening). The"
        " others still find it when they ask. JSON, e.g."
        ' {"floor": 50, "per_head": 30, "ceiling": 500}.',
    )
    service_area: str = Field(
        "天津市",
        description="City served (天津市, 广州, 北京市 …): postings outside it are never pushed"
        " and rank below local ones unless the seeker asked for that place; posts sent to this"
        " station are read as a local reader reads them (its districts' short forms count).",
    )

    # Delivery defaults (each seeker may change their own)
    quiet_start: int = Field(22, description="Quiet hours start (local hour).")
    quiet_end: int = Field(7, description="Quiet hours end (local hour).")
    daily_cap: int = Field(5, description="Pushes per seeker per day before the digest.")

    # Caseworker follow-ups
    checkin_day: int = Field(
        15, description="Day of the month from which seekers not yet contacted get a check-in."
    )
    checkin_hour: int = Field(10, description="Local hour at which check-ins are queued.")

    # Telegram
    telegram_token: SecretStr | None = Field(None, description="Bot token; turns Telegram on.")
    telegram_api_base: str = Field(
        "https://api.telegram.org/bot",
        description="Bot API base URL in python-telegram-bot's form.",
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public webhook URL; empty = long polling."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret token Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_bot_username: str | None = Field(
        None, description="The bot's @username (without @), for t.me invite links."
    )
    station_address: str | None = Field(
        None, description="The station's address, told to seekers who ask where it is."
    )
    station_phone: str | None = Field(
        None, description="The station's phone number, told to seekers who ask for it."
    )

    # HTTP server (WeChat callback, web console)
    http_host: str = Field("127.0.0.1", description="Address of the HTTP server.")
    http_port: int = Field(8080, description="Port of the HTTP server.")
    web_console: bool = Field(
        False,
        description="Serve the caseworker web console at /console on the HTTP server.",
    )

    # WeChat official account
    wechat_token: SecretStr | None = Field(None, description="Official-account callback Token.")
    wechat_app_id: str | None = Field(None, description="Official-account AppID.")
    wechat_app_secret: SecretStr | None = Field(None, description="Official-account AppSecret.")
    wechat_aes_key: SecretStr | None = Field(
        None, description="EncodingAESKey (43 chars); switches on safe (encrypted) mode."
    )
    wechat_api_base: str = Field(
        "https://api.weixin.qq.com", description="WeChat API host (a proxy or a local fake)."
    )
    wechat_subscribe_template_id: str | None = Field(
        None, description="订阅通知 template id for pushes outside the 48-hour window."
    )
    wechat_subscribe_fields: list[str] = Field(
        default_factory=lambda: ["thing1", "thing2", "time3"],
        description="Keywords of that template, filled from a card's lines (JSON list).",
    )

    # WeCom group robots: JSON object {"西青区": "https://…/webhook/send?key=…"}
    wecom_robots: dict[str, SecretStr] = Field(
        default_factory=dict, description="WeCom group-robot webhook URL per district (JSON)."
    )

    # WeCom self-built app and 微信客服 (issue 21): the callback at /wecom/callback
    wecom_corp_id: str | None = Field(None, description="WeCom corp id (企业ID, ww…).")
    wecom_agent_id: int | None = Field(None, description="AgentId of the self-built app.")
    wecom_secret: SecretStr | None = Field(None, description="Secret of the self-built app.")
    wecom_kf_secret: SecretStr | None = Field(
        None, description="Secret of 微信客服 (its API page); empty = the app's secret."
    )
    wecom_token: SecretStr | None = Field(
        None, description="Callback Token of the app (接收消息 → API接收)."
    )
    wecom_aes_key: SecretStr | None = Field(
        None, description="Callback EncodingAESKey of the app (43 chars)."
    )
    wecom_api_base: str = Field(
        "https://qyapi.weixin.qq.com", description="WeCom API host (a proxy or a local fake)."
    )
    # Customer groups (客户群): digests as enterprise mass-send tasks
    wecom_kf_url: str | None = Field(
        None,
        description="The 微信客服 link a group digest carries (the admin's 客服链接 or "
        "`yizhan wechat kf-link`); a scene_param naming the group is added.",
    )
    wecom_group_monthly_cap: int | None = Field(
        None,
        description="Mass sends one customer group may receive a month (default: the month's "
        "days, WeCom's rule; older documentation said 4).",
    )
    wecom_group_digest_hour: int | None = Field(
        None,
        description="Local hour at which `yizhan run` creates every tagged customer group's "
        "digest task (unset: only `yizhan groups send`).",
    )
    wecom_group_digest_size: int = Field(
        6, description="Postings in one customer-group digest at most (the best first)."
    )

    @field_validator("service_area")
    @classmethod
    def _a_city(cls, value: str) -> str:
        # A misspelt city would read every local post as "outside the area" and push nothing.
        if home_city(value) is None:
            raise ValueError(f"{value!r} is no city or municipality of the division table")
        return value

    @property
    def database(self) -> Path | str:
        """What `Database.open` takes: the URL when one is set, else the SQLite file."""
        return self.database_url or self.db


def reveal(value: SecretStr | None) -> str:
    """A secret setting's value for the one place that sends it ("" when unset)."""
    return "" if value is None else value.get_secret_value()
