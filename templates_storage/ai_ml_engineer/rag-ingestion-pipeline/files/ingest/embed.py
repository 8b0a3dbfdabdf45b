"""Embeddings from an OpenAI-compatible /embeddings endpoint (OpenAI, Azure, Ollama, vLLM, TEI)."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

EMBEDDING_MODEL = "{{ embedding_model }}"
EMBEDDING_DIM = {{ embedding_dim }}


class EmbeddingError(RuntimeError):
    pass


@dataclass
class Embedder:
    base_url: str
    model: str = EMBEDDING_MODEL
    dimension: int = EMBEDDING_DIM
    api_key: str | None = None
    batch_size: int = 64
    max_retries: int = 4
    backoff: float = 1.0

    @classmethod
    def from_env(cls) -> Embedder:
        return cls(
            base_url=os.environ.get("EMBEDDING_BASE_URL", "https://api.openai.com/v1"),
            model=os.environ.get("EMBEDDING_MODEL", EMBEDDING_MODEL),
            api_key=os.environ.get("EMBEDDING_API_KEY"),
        )

    def embed(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            vectors.extend(self._batch(texts[start : start + self.batch_size]))
        return vectors

    def _batch(self, texts: list[str]) -> list[list[float]]:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        body = json.dumps({"model": self.model, "input": texts}).encode()
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(f"{self.base_url.rstrip('/')}/embeddings", data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - configured URL
                    data = sorted(json.load(response)["data"], key=lambda d: d["index"])
                break
            except urllib.error.HTTPError as err:
                if err.code not in (429, 500, 502, 503, 504) or attempt == self.max_retries:
                    raise EmbeddingError(f"HTTP {err.code} from the embedding endpoint") from err
                time.sleep(float(err.headers.get("Retry-After") or self.backoff * 2**attempt))
        vectors = [d["embedding"] for d in data]
        if len(vectors) != len(texts):
            raise EmbeddingError(f"asked for {len(texts)} embeddings, got {len(vectors)}")
        wrong = {len(v) for v in vectors} - {self.dimension}
        if wrong:
            raise EmbeddingError(f"the model returned dimension {wrong.pop()}, the collection expects {self.dimension}")
        return vectors
