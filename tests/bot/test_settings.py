"""Settings.from_env: defaults, parsing, `.env` file, and one-line errors that never echo the token."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings
from retrieval.errors import ConfigError

TOKEN = "123456789:AAHfakeTokenForTests_0123456789abcdef"


def from_env(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(env, dotenv_path=tmp_path / ".env")


def test_defaults(tmp_path: Path) -> None:
    settings = from_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN)
    assert settings.bot_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.rate_limit_per_minute == 20 and settings.corpus_dir == Path("corpus")
    assert settings.is_allowed(1) and not settings.is_admin(1)
    assert settings.upload_parse_seconds == 60 and settings.upload_max_pages == 500


def test_all_variables_parsed(tmp_path: Path) -> None:
    settings = from_env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL="http://127.0.0.1:8081/",
        ALLOWED_USER_IDS="1, 2 3",
        ADMIN_USER_IDS="9",
        CORPUS_DIR="/srv/corpus",
        RATE_LIMIT_PER_MINUTE="5",
        LOG_LEVEL="debug",
        UPLOAD_PARSE_SECONDS="12.5",
        UPLOAD_MAX_PAGES="40",
    )
    assert settings.bot_url == "http://127.0.0.1:8081/bot"
    assert settings.allowed_user_ids == {1, 2, 3} and settings.admin_user_ids == {9}
    assert settings.is_allowed(9) and not settings.is_allowed(4)  # admins are always allowed
    assert settings.corpus_dir == Path("/srv/corpus") and settings.rate_limit_per_minute == 5
    assert settings.log_level == "DEBUG"
    assert settings.upload_parse_seconds == 12.5 and settings.upload_max_pages == 40


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nRATE_LIMIT_PER_MINUTE=7\nLOG_LEVEL=ERROR\n")
    settings = from_env(tmp_path, LOG_LEVEL="WARNING")
    assert settings.token == TOKEN and settings.rate_limit_per_minute == 7 and settings.log_level == "WARNING"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "secret-but-wrong"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "ALLOWED_USER_IDS": "alice"}, "ALLOWED_USER_IDS"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "RATE_LIMIT_PER_MINUTE": "0"}, "RATE_LIMIT_PER_MINUTE"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "UPLOAD_PARSE_SECONDS": "0"}, "UPLOAD_PARSE_SECONDS"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "UPLOAD_MAX_PAGES": "many"}, "UPLOAD_MAX_PAGES"),
    ],
)
def test_bad_values_raise_one_line_config_errors(tmp_path: Path, env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        from_env(tmp_path, **env)
    assert fragment in str(caught.value) and "\n" not in str(caught.value)
    assert "secret-but-wrong" not in str(caught.value)
