"""Typed configuration, read from the environment and an optional .env file."""

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    app_name: str = "{{ project_name }}"
    environment: Literal["development", "staging", "production", "test"] = "development"
    host: str = "0.0.0.0"
    port: int = Field(default={{ port }}, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    cors_origins: list[str] = Field(default_factory=list)
{%- if database == 'postgres' %}
    database_url: str = "postgresql+psycopg://postgres:postgres@localhost:5432/{{ package_name }}"
    db_pool_size: int = Field(default={{ db_pool_size }}, ge=1)
{%- elsif database == 'sqlite' %}
    database_url: str = "sqlite:///./{{ package_name }}.db"
{%- endif %}
{%- if database != 'none' %}
    create_tables_on_startup: bool = True
{%- endif %}

    @property
    def docs_enabled(self) -> bool:
        return self.environment != "production"


@lru_cache
def get_settings() -> Settings:
    """Settings are read once per process; tests call get_settings.cache_clear()."""
    return Settings()
