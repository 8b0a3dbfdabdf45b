"""A minimal chat-completions client for {% if provider == 'openai' %}the OpenAI API{% elsif provider == 'azure_openai' %}Azure OpenAI{% else %}Ollama's OpenAI-compatible endpoint{% endif %}, standard library only.

Temperature 0 and a fixed seed make runs as repeatable as the provider allows; retries
with exponential backoff absorb rate limits (429) and transient server errors (5xx).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

RETRY_STATUSES = {429, 500, 502, 503, 504}


class ProviderError(RuntimeError):
    pass


@dataclass
class Client:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    backoff: float = 1.0

    @classmethod
    def from_env(cls) -> Client:
{%- if provider == 'openai' %}
        return cls(
            base_url=os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1"),
            model=os.environ.get("EVAL_MODEL", "{{ model }}"),
            api_key=os.environ.get("OPENAI_API_KEY"),
        )
{%- elsif provider == 'azure_openai' %}
        endpoint = os.environ.get("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")
        return cls(
            base_url=f"{endpoint.rstrip('/')}/openai",
            model=os.environ.get("EVAL_MODEL", "{{ model }}"),
            api_key=os.environ.get("AZURE_OPENAI_API_KEY"),
        )
{%- else %}
        return cls(
            base_url=os.environ.get("OLLAMA_BASE_URL", "http://127.0.0.1:11434/v1"),
            model=os.environ.get("EVAL_MODEL", "{{ model }}"),
        )
{%- endif %}

    def _request(self, body: dict) -> urllib.request.Request:
{%- if provider == 'azure_openai' %}
        # Azure names the deployment in the path and wants its own api-key header.
        version = os.environ.get("AZURE_OPENAI_API_VERSION", "2024-10-21")
        url = f"{self.base_url}/deployments/{self.model}/chat/completions?api-version={version}"
        headers = {"Content-Type": "application/json", "api-key": self.api_key or ""}
{%- else %}
        url = f"{self.base_url.rstrip('/')}/chat/completions"
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
{%- endif %}
        return urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")

    def chat(self, messages: list[dict], *, temperature: float = 0.0, max_tokens: int = 512) -> str:
        body = {"model": self.model, "messages": messages, "temperature": temperature, "max_tokens": max_tokens, "seed": 7}
        for attempt in range(self.max_retries + 1):
            try:
                with urllib.request.urlopen(self._request(body), timeout=self.timeout) as response:  # noqa: S310
                    payload = json.load(response)
                return payload["choices"][0]["message"]["content"] or ""
            except urllib.error.HTTPError as err:
                if err.code not in RETRY_STATUSES or attempt == self.max_retries:
                    raise ProviderError(f"HTTP {err.code} from {err.url}: {err.read()[:300]!r}") from err
                wait = float(err.headers.get("Retry-After") or self.backoff * 2**attempt)
            except urllib.error.URLError as err:
                if attempt == self.max_retries:
                    raise ProviderError(f"cannot reach {self.base_url}: {err.reason}") from err
                wait = self.backoff * 2**attempt
            time.sleep(wait)
        raise ProviderError("unreachable")
