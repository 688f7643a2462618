"""Settings from the environment (prefix ``CLAIMWATCH_``) plus the platforms' own token names."""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Everything configurable. Secrets are ``SecretStr`` so they never print."""

    model_config = SettingsConfigDict(env_prefix="CLAIMWATCH_", extra="ignore")

    database_url: str = "sqlite:///./claimwatch.db"
    log_level: str = "INFO"
    demo: bool = Field(default=True, description="load the demo topic and articles at start")
    console: bool = Field(default=True, description="run the console adapter")

    poll_interval_s: int = Field(default=600, ge=60)
    feed_max_failures: int = Field(default=8, ge=1)
    feed_backoff_base_s: int = 300
    feed_backoff_cap_s: int = 6 * 3600
    dispatch_sweep_s: float = 2.0
    alert_max_attempts: int = 8
    alert_lease_s: float = Field(default=60.0, ge=1)
    digest_interval_s: int = Field(default=3600, ge=60)

    fetch_allow_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    fetch_max_bytes: int = 5 * 1024 * 1024
    fetch_timeout_s: float = 15.0
    fetch_max_redirects: int = 5
    extract_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    extract_max_elements: int = Field(default=20_000, ge=100)
    extract_timeout_s: float = Field(default=20.0, gt=0)
    extract_memory_mb: int = Field(default=512, ge=64)
    article_max_chars: int = Field(default=200_000, ge=1000)
    respect_robots: bool = True
    user_agent: str = "Claimwatch/0.1 (+{contact})"
    contact_url: str = "https://github.com/claimwatch/claimwatch"

    extractor: str = Field(default="rules", description="rules or llm")
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = "llama3.1"
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 60.0

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "CLAIMWATCH_DISCORD_TOKEN")
    )
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    discord_shards: int | None = None
    # how long discord.py waits for more GUILD_CREATEs before READY (its default: 2 s)
    discord_guild_ready_timeout_s: float = 2.0

    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_BOT_TOKEN", "CLAIMWATCH_SLACK_BOT_TOKEN"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "CLAIMWATCH_SLACK_APP_TOKEN"),
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "CLAIMWATCH_SLACK_SIGNING_SECRET"),
    )
    slack_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_ID", "CLAIMWATCH_SLACK_CLIENT_ID"),
    )
    slack_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_SECRET", "CLAIMWATCH_SLACK_CLIENT_SECRET"),
    )
    slack_api_url: str | None = None
    slack_port: int = 3000
    slack_admins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    health_host: str = "0.0.0.0"
    health_port: int = Field(default=8080, ge=-1, le=65535)
    health_file: str | None = None
    health_loop_stale_s: float = Field(default=10.0, gt=0)
    health_dispatcher_stale_s: float = Field(default=120.0, gt=0)
    health_db_stale_s: float = Field(default=60.0, gt=0)

    @field_validator("fetch_allow_hosts", "slack_admins", mode="before")
    @classmethod
    def _split_words(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip().startswith("["):
            return [p.strip() for p in v.replace(";", ",").split(",") if p.strip()]
        return v

    @field_validator("discord_guild_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip().startswith("["):
            return [int(p) for p in v.replace(";", ",").split(",") if p.strip()]
        if isinstance(v, int):
            return [v]
        return v

    def secret_values(self) -> list[str]:
        """Every configured secret, database password included, for log redaction."""
        from bot.redact import url_password

        values = [
            s.get_secret_value()
            for s in (
                self.discord_token,
                self.slack_bot_token,
                self.slack_app_token,
                self.slack_signing_secret,
                self.slack_client_secret,
                self.llm_api_key,
            )
            if s is not None
        ]
        password = url_password(self.database_url)
        return values + ([password] if password else [])

    @property
    def http_user_agent(self) -> str:
        return self.user_agent.format(contact=self.contact_url)


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
