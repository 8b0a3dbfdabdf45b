"""Where chunks and their vectors go: {% if vector_store == 'qdrant' %}a Qdrant collection (REST API){% else %}a JSON Lines index on disk{% endif %}.

Point IDs are UUIDv5 of (source, chunk index, content hash): ingesting the same corpus
twice writes the same points, and a changed chunk replaces its old version.
"""

from __future__ import annotations

import hashlib
import json
import uuid
{%- if vector_store == 'qdrant' %}
import urllib.error
import urllib.request
{%- else %}
from pathlib import Path
{%- endif %}

from .chunking import Chunk

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "rag-ingestion:{{ collection }}")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def point_id(chunk: Chunk) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{chunk.source}#{chunk.index}#{content_hash(chunk.text)}"))


def payload(chunk: Chunk) -> dict:
    return {
        "source": chunk.source,
        "title": chunk.title,
        "chunk": chunk.index,
        "headings": chunk.headings,
        "text": chunk.text,
        "sha256": content_hash(chunk.text),
    }
{%- if vector_store == 'qdrant' %}


class QdrantStore:
    def __init__(self, url: str, collection: str = "{{ collection }}", api_key: str | None = None) -> None:
        self.url, self.collection, self.api_key = url.rstrip("/"), collection, api_key

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["api-key"] = self.api_key
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - configured URL
            return json.load(response)

    def ensure_collection(self, dimension: int) -> None:
        """Create the collection (cosine distance) unless it exists; a payload index on `source`
        makes deleting a document's stale chunks cheap."""
        try:
            self._call("GET", f"/collections/{self.collection}")
            return
        except urllib.error.HTTPError as err:
            if err.code != 404:
                raise
        self._call("PUT", f"/collections/{self.collection}", {"vectors": {"size": dimension, "distance": "Cosine"}})
        self._call("PUT", f"/collections/{self.collection}/index", {"field_name": "source", "field_schema": "keyword"})

    def replace_document(self, source: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        """Delete the document's chunks that are no longer current, then upsert the current ones."""
        ids = [point_id(c) for c in chunks]
        self._call(
            "POST",
            f"/collections/{self.collection}/points/delete?wait=true",
            {"filter": {"must": [{"key": "source", "match": {"value": source}}], "must_not": [{"has_id": ids}]}},
        )
        points = [{"id": i, "vector": v, "payload": payload(c)} for i, c, v in zip(ids, chunks, vectors, strict=True)]
        self._call("PUT", f"/collections/{self.collection}/points?wait=true", {"points": points})
{%- else %}


class JsonlStore:
    """One JSON object per chunk in index/<collection>.jsonl, rewritten per document."""

    def __init__(self, folder: str, collection: str = "{{ collection }}") -> None:
        self.path = Path(folder) / f"{collection}.jsonl"

    def ensure_collection(self, dimension: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        self.dimension = dimension

    def rows(self) -> list[dict]:
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def replace_document(self, source: str, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        kept = [row for row in self.rows() if row["payload"]["source"] != source]
        kept += [{"id": point_id(c), "vector": v, "payload": payload(c)} for c, v in zip(chunks, vectors, strict=True)]
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(row) + "\n" for row in kept), encoding="utf-8")
        tmp.replace(self.path)
{%- endif %}
