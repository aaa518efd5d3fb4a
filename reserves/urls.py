"""Node URLs: credentials may come inside them, and must never be printed."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from reserves.errors import ConfigError


def redact(url: str) -> str:
    """``url`` with any user:password removed, safe to print, log or record."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def check_http_url(url: str, key: str) -> str:
    """Refuse anything that is not an http(s) URL with a host, naming the config key."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{key}: {redact(url)!r} is not an http:// or https:// URL")
    return url


def with_env_credentials(url: str, user_env: str | None, password_env: str | None,
                         key: str) -> str:
    """Insert credentials read from environment variables into ``url``."""
    if not user_env and not password_env:
        return url
    user = os.environ.get(user_env, "") if user_env else ""
    password = os.environ.get(password_env, "") if password_env else None
    if password_env and password is None:
        raise ConfigError(f"{key}: environment variable {password_env} is not set")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    auth = user + (f":{password}" if password is not None else "")
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))
