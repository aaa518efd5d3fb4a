"""Node URLs: credentials may come inside them, and must never be printed."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

from reserves.errors import ConfigError


_SECRET_SEGMENT = re.compile(r"[A-Za-z0-9_-]{16,}")


def redact(url: str) -> str:
    """``url`` safe to print, log or record: no user:password, no query values, and no
    path segment that looks like an API key (16 or more letters and digits, a digit
    among them), as providers put keys in the path (``/v3/KEY``) or the query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    if parts.hostname and ":" in parts.hostname:
        host = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    path = "/".join("***" if _SECRET_SEGMENT.fullmatch(seg) and any(c.isdigit() for c in seg)
                    else seg for seg in parts.path.split("/"))
    query = "&".join(f"{pair.partition('=')[0]}=***" if "=" in pair else "***"
                     for pair in parts.query.split("&")) if parts.query else ""
    if parts.username is None and parts.password is None and path == parts.path \
            and query == parts.query:
        return url
    return urlunsplit((parts.scheme, host, path, query, ""))


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
