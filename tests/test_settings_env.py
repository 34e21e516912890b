"""Settings read `./.env` under the environment, and secrets never show in repr or str."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings, reveal


def test_dotenv_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "YIZHAN_TELEGRAM_TOKEN=123:from-dotenv\nYIZHAN_DAILY_CAP=9\nYIZHAN_LANG=en\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("YIZHAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("YIZHAN_DAILY_CAP", raising=False)
    monkeypatch.setenv("YIZHAN_LANG", "zh")
    settings = Settings()
    assert reveal(settings.telegram_token) == "123:from-dotenv"
    assert settings.daily_cap == 9
    assert settings.lang == "zh"


def test_secrets_stay_out_of_repr_and_str() -> None:
    settings = Settings(
        telegram_token="123:tg-secret-value",
        wechat_app_secret="wx-secret-value",
        wechat_aes_key="aes-secret-value",
        wechat_token="cb-secret-value",
        telegram_webhook_secret="hook-secret-value",
        wecom_robots={"西青区": "https://qyapi.example/send?key=robot-secret-value"},
    )
    shown = repr(settings) + str(settings) + repr(settings.model_dump())
    assert "secret-value" not in shown
    assert reveal(settings.wechat_app_secret) == "wx-secret-value"
    assert reveal(None) == ""


def test_version_option_prints_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"yizhan {importlib.metadata.version('yizhan')}\n"


def test_completion_is_offered() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in result.output


def test_the_encoder_backend_is_a_setting_with_known_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("YIZHAN_ENCODER_BACKEND", "onnx-int8")
    assert Settings().encoder_backend == "onnx-int8"
    monkeypatch.setenv("YIZHAN_ENCODER_BACKEND", "gpu")
    with pytest.raises(ValidationError, match="encoder_backend"):
        Settings()


def test_the_service_area_must_be_a_city_the_division_table_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("YIZHAN_SERVICE_AREA", "广州")
    assert Settings().service_area == "广州"
    monkeypatch.setenv("YIZHAN_SERVICE_AREA", "天律市")  # a typo would push nothing at all
    with pytest.raises(ValidationError, match="service_area"):
        Settings()
