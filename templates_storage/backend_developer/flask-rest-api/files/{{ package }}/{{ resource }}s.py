"""/{{ resource }}s: create, list, read, delete (in memory; swap the store for a database)."""
import itertools
from threading import Lock

from flask import Blueprint, abort, current_app, request, url_for

from .errors import ValidationError

{{ resource }}s = Blueprint("{{ resource }}s", __name__)
_store: dict[int, dict] = {}
_ids = itertools.count(1)
_lock = Lock()
{%- if auth == 'api_key' %}


@{{ resource }}s.before_request
def require_api_key():
    if request.headers.get("X-API-Key") not in current_app.config["API_KEYS"]:
        abort(401, "send a valid X-API-Key header")
{%- endif %}


def _validate(body) -> dict:
    if not isinstance(body, dict):
        raise ValidationError([{"pointer": "", "detail": "expected a JSON object"}])
    errors = []
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        errors.append({"pointer": "/name", "detail": "a string of 1 to 200 characters"})
    quantity = body.get("quantity", 0)
    if not isinstance(quantity, int) or quantity < 0:
        errors.append({"pointer": "/quantity", "detail": "a non-negative integer"})
    if errors:
        raise ValidationError(errors)
    return {"name": name, "quantity": quantity}


@{{ resource }}s.get("")
def list_{{ resource }}s():
    limit = min(request.args.get("limit", 20, type=int), 100)
    return {"items": list(_store.values())[:limit], "total": len(_store)}


@{{ resource }}s.post("")
def create_{{ resource }}():
    data = _validate(request.get_json(silent=True))
    with _lock:
        new_id = next(_ids)
        _store[new_id] = {"id": new_id, **data}
    return _store[new_id], 201, {"Location": url_for(".get_{{ resource }}", {{ resource }}_id=new_id)}


@{{ resource }}s.get("/<int:{{ resource }}_id>")
def get_{{ resource }}({{ resource }}_id: int):
    if {{ resource }}_id not in _store:
        abort(404, "no {{ resource }} with this id")
    return _store[{{ resource }}_id]


@{{ resource }}s.delete("/<int:{{ resource }}_id>")
def delete_{{ resource }}({{ resource }}_id: int):
    if _store.pop({{ resource }}_id, None) is None:
        abort(404, "no {{ resource }} with this id")
    return "", 204
