"""Bot settings, read once from the environment (and a `.env` file) at startup."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from retrieval.conversation import FOLLOW_UP_WINDOW
from retrieval.errors import ConfigError

DEFAULT_API_BASE_URL = "https://api.telegram.org"
DEFAULT_CORPUS_DIR = "corpus"
DEFAULT_RATE_LIMIT_PER_MINUTE = 20
# Telegram's documented broadcast ceiling is about 30 messages per second.
DEFAULT_MAX_SENDS_PER_SECOND = 30.0
# An uploaded file is read in a child process killed after this long (a 200-page PDF takes about 3 s on
# an idle machine), and a PDF with more pages than this is refused before its text is read.
DEFAULT_UPLOAD_PARSE_SECONDS = 60.0
DEFAULT_UPLOAD_MAX_PAGES = 500

# BotFather tokens look like "123456789:AAH…" (numeric bot id, colon, 35 url-safe characters);
# the check accepts 30–60 so a future length change does not lock users out.
_TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,60}$")
_URL_PATTERN = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    token: str
    api_base_url: str = DEFAULT_API_BASE_URL
    allowed_user_ids: frozenset[int] = frozenset()  # empty: everyone may use the bot
    admin_user_ids: frozenset[int] = frozenset()
    corpus_dir: Path = Path(DEFAULT_CORPUS_DIR)
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE
    max_sends_per_second: float = DEFAULT_MAX_SENDS_PER_SECOND
    log_level: str = "INFO"
    webhook_secret: str = ""
    # how long a chat's earlier question stays the context of a follow-up (retrieval/conversation)
    context_window_seconds: float = FOLLOW_UP_WINDOW
    upload_parse_seconds: float = DEFAULT_UPLOAD_PARSE_SECONDS
    upload_max_pages: int = DEFAULT_UPLOAD_MAX_PAGES

    @property
    def bot_url(self) -> str:
        """Prefix for Bot API methods; python-telegram-bot appends the token and the method name."""
        return f"{self.api_base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.api_base_url}/file/bot"

    def is_allowed(self, user_id: int) -> bool:
        return not self.allowed_user_ids or user_id in self.allowed_user_ids or self.is_admin(user_id)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_user_ids

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None) -> Settings:
        """Settings from `environ` (default `os.environ`) over `.env`; a ConfigError names the bad one."""
        path = dotenv_path if dotenv_path is not None else Path.cwd() / ".env"
        from_file = {k: v for k, v in dotenv_values(path).items() if v is not None} if path.is_file() else {}
        env = {**from_file, **(os.environ if environ is None else environ)}
        return cls(
            token=_token(env.get("TELEGRAM_BOT_TOKEN", "").strip()),
            api_base_url=_base_url(env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL),
            allowed_user_ids=_user_ids("ALLOWED_USER_IDS", env.get("ALLOWED_USER_IDS", "")),
            admin_user_ids=_user_ids("ADMIN_USER_IDS", env.get("ADMIN_USER_IDS", "")),
            corpus_dir=Path(env.get("CORPUS_DIR", "").strip() or DEFAULT_CORPUS_DIR),
            rate_limit_per_minute=_positive_int(
                "RATE_LIMIT_PER_MINUTE", env.get("RATE_LIMIT_PER_MINUTE", ""), DEFAULT_RATE_LIMIT_PER_MINUTE
            ),
            max_sends_per_second=_positive_float(
                "BOT_MAX_SENDS_PER_SECOND",
                env.get("BOT_MAX_SENDS_PER_SECOND", ""),
                DEFAULT_MAX_SENDS_PER_SECOND,
            ),
            log_level=_log_level(env.get("LOG_LEVEL", "")),
            webhook_secret=_webhook_secret(env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()),
            context_window_seconds=_positive_float(
                "CONTEXT_WINDOW_SECONDS", env.get("CONTEXT_WINDOW_SECONDS", ""), FOLLOW_UP_WINDOW
            ),
            upload_parse_seconds=_positive_float(
                "UPLOAD_PARSE_SECONDS", env.get("UPLOAD_PARSE_SECONDS", ""), DEFAULT_UPLOAD_PARSE_SECONDS
            ),
            upload_max_pages=_positive_int(
                "UPLOAD_MAX_PAGES", env.get("UPLOAD_MAX_PAGES", ""), DEFAULT_UPLOAD_MAX_PAGES
            ),
        )


def _token(raw: str) -> str:
    if not raw:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and put it in .env")
    if not _TOKEN_PATTERN.match(raw):
        # Never echo the value: a malformed token may still be a real secret.
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed; expected <3–20 digits>:<30–60 letters, digits, - or _>"
        )
    return raw


def _base_url(raw: str) -> str:
    if not _URL_PATTERN.match(raw):
        raise ConfigError(f"TELEGRAM_API_BASE_URL must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _user_ids(name: str, raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", raw.strip()):
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise ConfigError(f"{name} must be comma-separated numeric Telegram user ids, got {part!r}")
        ids.add(int(part))
    return frozenset(ids)


def _positive_int(name: str, raw: str, default: int) -> int:
    if not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def _positive_float(name: str, raw: str, default: float) -> float:
    if not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value > 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {raw!r}")
    return level


def _webhook_secret(raw: str) -> str:
    # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - in X-Telegram-Bot-Api-Secret-Token.
    if raw and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", raw):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET may only hold 1-256 letters, digits, _ and -")
    return raw


def log_level_number(settings: Settings) -> int:
    return int(logging.getLevelName(settings.log_level))
