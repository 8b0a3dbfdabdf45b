"""Settings{% if config_file %}, layered from lowest to highest precedence: built-in defaults, the user's
config file, the project's config file (or --config), {{ project_name | upcase | replace: '-', '_' }}_* environment
variables, then command-line flags. Each value remembers where it came from, so
`{{ project_name }} config show` can answer "why is it set to that?".{% else %}: built-in defaults overridden by command-line flags.{% endif %}
"""

from __future__ import annotations

{% if config_file -%}
import os
import tomllib
{% endif -%}
from dataclasses import dataclass, field
{%- if config_file %}
from pathlib import Path
{%- endif %}
from typing import Any, Mapping

{% if config_file -%}
ENV_PREFIX = "{{ project_name | upcase | replace: '-', '_' }}_"
{% endif -%}
DEFAULTS: dict[str, Any] = {
    "precision": 2,
    "percentiles": [50.0, 90.0, 99.0],
}


class SettingsError(ValueError):
    """A setting with a value of the wrong type or out of range."""


def _precision(value: Any, origin: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SettingsError(f"precision from {origin} must be a whole number, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"precision from {origin} must be a whole number, got {value!r}") from None
    if not 0 <= number <= 12:
        raise SettingsError(f"precision from {origin} must be between 0 and 12, got {number}")
    return number


def _percentiles(value: Any, origin: str) -> list[float]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise SettingsError(f"percentiles from {origin} must be a non-empty list, got {value!r}")
    out = []
    for item in items:
        try:
            number = float(item)
        except (TypeError, ValueError):
            raise SettingsError(f"percentiles from {origin}: {item!r} is not a number") from None
        if not 0 <= number <= 100:
            raise SettingsError(f"percentiles from {origin}: {number:g} is not between 0 and 100")
        out.append(number)
    return out


PARSERS = {"precision": _precision, "percentiles": _percentiles}


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=lambda: dict(DEFAULTS))
    origins: dict[str, str] = field(default_factory=lambda: {k: "default" for k in DEFAULTS})

    def apply(self, layer: Mapping[str, Any], origin: str) -> None:
        for key, raw in layer.items():
            if key not in PARSERS:
                raise SettingsError(f"unknown setting {key!r} in {origin} (known: {', '.join(sorted(PARSERS))})")
            self.values[key] = PARSERS[key](raw, origin)
            self.origins[key] = origin

    @property
    def precision(self) -> int:
        return self.values["precision"]

    @property
    def percentiles(self) -> list[float]:
        return self.values["percentiles"]
{%- if config_file %}


def user_config_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "{{ project_name }}" / "config.toml"


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{path}: {err}") from None


def load(
    flags: Mapping[str, Any],
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    config: Path | None = None,
) -> Settings:
    """Settings from every layer; `config` (from --config) replaces the project file and must exist."""
    env = os.environ if env is None else env
    settings = Settings()
    user = user_config_path(env)
    if user.is_file():
        settings.apply(read_toml(user), str(user))
    if config is not None:
        if not config.is_file():
            raise SettingsError(f"config file {config} does not exist")
        settings.apply(read_toml(config), str(config))
    else:
        project = (cwd or Path.cwd()) / ".{{ project_name }}.toml"
        if project.is_file():
            settings.apply(read_toml(project), str(project))
    from_env = {
        key: env[ENV_PREFIX + key.upper()] for key in PARSERS if ENV_PREFIX + key.upper() in env
    }
    for key, value in from_env.items():
        settings.apply({key: value}, f"${ENV_PREFIX}{key.upper()}")
    settings.apply({k: v for k, v in flags.items() if v is not None}, "command line")
    return settings
{%- else %}


def load(flags: Mapping[str, Any]) -> Settings:
    """Defaults, then the flags given on the command line."""
    settings = Settings()
    settings.apply({k: v for k, v in flags.items() if v is not None}, "command line")
    return settings
{%- endif %}
