"""python -m ingest SOURCE_FOLDER: load, chunk, embed and store every document."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .chunking import CHUNK_OVERLAP, CHUNK_SIZE, chunk_document, embedding_input
from .embed import Embedder, EmbeddingError
from .loaders import load_folder
{%- if vector_store == 'qdrant' %}
from .store import QdrantStore
{%- else %}
from .store import JsonlStore
{%- endif %}


def main(argv: list[str] | None = None, embedder: Embedder | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ingest", description=__doc__)
    parser.add_argument("source", type=Path, help="folder of .md, .txt and .html files")
    parser.add_argument("--splitter", default="{{ splitter }}", choices=["recursive", "markdown_headers"])
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
    parser.add_argument("--chunk-overlap", type=int, default=CHUNK_OVERLAP)
    parser.add_argument("--dry-run", action="store_true", help="chunk and report, embed and store nothing")
{%- if vector_store == 'jsonl' %}
    parser.add_argument("--index", default=os.environ.get("INDEX_DIR", "index"), help="folder of the JSON Lines index")
{%- endif %}
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"ingest: {args.source} is not a folder", file=sys.stderr)
        return 2
    documents = load_folder(args.source)
    plan = [(doc, chunk_document(doc, args.splitter, args.chunk_size, args.chunk_overlap)) for doc in documents]
    total = sum(len(chunks) for _, chunks in plan)
    print(f"{len(documents)} documents, {total} chunks")
    if args.dry_run:
        return 0
    embedder = embedder or Embedder.from_env()
{%- if vector_store == 'qdrant' %}
    store = QdrantStore(os.environ.get("QDRANT_URL", "http://127.0.0.1:6333"), api_key=os.environ.get("QDRANT_API_KEY"))
{%- else %}
    store = JsonlStore(args.index)
{%- endif %}
    try:
        store.ensure_collection(embedder.dimension)
        for doc, chunks in plan:
            vectors = embedder.embed([embedding_input(c) for c in chunks]) if chunks else []
            store.replace_document(doc.source, chunks, vectors)
            print(f"  {doc.source}: {len(chunks)} chunks")
    except (EmbeddingError, OSError) as err:
        print(f"ingest: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
