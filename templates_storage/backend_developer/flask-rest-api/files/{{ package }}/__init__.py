"""{{ package }}: a Flask REST API (application factory)."""
from flask import Flask

from .errors import register_error_handlers
from .health import health
from .{{ resource }}s import {{ resource }}s


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(
{%- if auth == 'api_key' %}
        API_KEYS=set(filter(None, __import__("os").environ.get("API_KEYS", "").split(","))),
{%- endif %}
        MAX_CONTENT_LENGTH=1 * 1024 * 1024,
    )
    if config:
        app.config.update(config)
    register_error_handlers(app)
    app.register_blueprint(health)
    app.register_blueprint({{ resource }}s, url_prefix="/{{ resource }}s")
    return app
