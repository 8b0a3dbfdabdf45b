"""How a batch of records becomes a batch of predictions: {% if backend == 'http' %}a model server's predict endpoint{% else %}a Python function loaded in this process{% endif %}."""

from __future__ import annotations

{% if backend == 'http' -%}
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable


class ScoringError(RuntimeError):
    pass


def http_backend(url: str, *, token: str | None = None, retries: int = 5, backoff: float = 1.0) -> Callable[[list[dict]], list]:
    """POST {"instances": [...]} and read {"predictions": [...]} (KServe v1 / TF Serving / the typed predict API)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"

    def predict(records: list[dict]) -> list:
        body = json.dumps({"instances": records}).encode()
        for attempt in range(retries + 1):
            try:
                request = urllib.request.Request(url, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 - configured URL
                    predictions = json.load(response)["predictions"]
                if len(predictions) != len(records):
                    raise ScoringError(f"sent {len(records)} records, got {len(predictions)} predictions")
                return predictions
            except urllib.error.HTTPError as err:
                if err.code not in (429, 500, 502, 503, 504) or attempt == retries:
                    raise ScoringError(f"HTTP {err.code} from {url}") from err
            except urllib.error.URLError as err:
                if attempt == retries:
                    raise ScoringError(f"cannot reach {url}: {err.reason}") from err
            time.sleep(backoff * 2**attempt)
        raise ScoringError("unreachable")

    return predict


def from_env() -> Callable[[list[dict]], list]:
    return http_backend(os.environ["MODEL_URL"], token=os.environ.get("MODEL_TOKEN"))
{%- else -%}
import importlib
import os
from collections.abc import Callable


def load_function(spec: str) -> Callable[[list[dict]], list]:
    """"package.module:function" -> the function. It receives a list of records and returns one
    prediction per record; load the model at import time so it is loaded once per pod."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"PREDICT_FUNCTION must look like package.module:function, not {spec!r}")
    return getattr(importlib.import_module(module_name), attribute)


def from_env() -> Callable[[list[dict]], list]:
    return load_function(os.environ.get("PREDICT_FUNCTION", "model.predict:predict_batch"))
{%- endif %}
