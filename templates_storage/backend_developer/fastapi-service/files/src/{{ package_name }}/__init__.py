"""{{ project_name }}: FastAPI service."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("{{ project_name }}")
except PackageNotFoundError:  # running from a source checkout without installation
    __version__ = "0.0.0+local"

__all__ = ["__version__"]
