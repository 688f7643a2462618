"""The fake Discord's data: ids, permissions, the users, channels and recorded requests
it answers with, and the JSON response discord.py accepts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = 900000000000000001
GUILD_ID = 900000000000000100
CHANNEL_ID = 900000000000000200
OTHER_CHANNEL_ID = 900000000000000201
ADMIN_ID = 900000000000000300
MEMBER_ID = 900000000000000301
MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | MANAGE_GUILD
EPHEMERAL = 1 << 6

BOT_USER = {
    "id": str(APP_ID),
    "username": "Claimwatch",
    "discriminator": "0",
    "global_name": "Claimwatch",
    "avatar": None,
    "bot": True,
    "flags": 0,
    "public_flags": 0,
    "mfa_enabled": False,
    "verified": True,
}


def user_payload(user_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "public_flags": 0,
    }


def channel_payload(channel_id: int, name: str, position: int = 0) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


@dataclass
class Recorded:
    """One REST request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    files: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class InteractionResult:
    """What the bot finally answered to one interaction, whichever way it answered."""

    interaction_id: int
    data: dict[str, Any]
    ephemeral: bool
    files: list[dict[str, Any]]
    deferred: bool
    requests: list[Recorded]

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def text(self) -> str:
        """Content, embed titles, descriptions and fields as one string, for assertions."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title", ""), e.get("description", "")]
            parts += [f"{f['name']}\n{f['value']}" for f in e.get("fields", [])]
            if "footer" in e:
                parts.append(e["footer"].get("text", ""))
        return "\n".join(p for p in parts if p)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only parses bodies whose Content-Type is exactly application/json
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
