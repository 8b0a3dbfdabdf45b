"""Splitting documents into overlapping chunks small enough to embed and to quote.

The default strategy here is `{{ splitter }}`, {{ chunk_size }} characters with {{ chunk_overlap }} of overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .loaders import Document

CHUNK_SIZE = {{ chunk_size }}
CHUNK_OVERLAP = {{ chunk_overlap }}
# From coarse to fine: paragraphs, lines, sentences, words.
SEPARATORS = ["\n\n", "\n", ". ", " "]


@dataclass
class Chunk:
    source: str
    title: str
    index: int
    text: str
    headings: list[str]


def split_text(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """Recursive splitting: pack the largest pieces that fit, splitting finer only when a piece is too big."""
    if overlap >= size:
        raise ValueError("chunk_overlap must be smaller than chunk_size")
    pieces = _pieces(text.strip(), size, 0)
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(piece) > size:
            chunks.append(current.strip())
            tail = current[-overlap:] if overlap else ""
            # Start the overlap at a word boundary so no chunk begins mid-word.
            tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
            current = tail if len(tail) + len(piece) <= size else ""
        current += piece
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _pieces(text: str, size: int, level: int) -> list[str]:
    if len(text) <= size:
        return [text]
    if level == len(SEPARATORS):
        return [text[i : i + size] for i in range(0, len(text), size)]
    separator = SEPARATORS[level]
    parts = text.split(separator)
    out: list[str] = []
    for i, part in enumerate(parts):
        piece = part + (separator if i < len(parts) - 1 else "")
        out.extend(_pieces(piece, size, level + 1) if len(piece) > size else [piece])
    return out


def split_markdown_sections(text: str) -> list[tuple[list[str], str]]:
    """(heading path, body) per section; text before the first heading has an empty path."""
    sections: list[tuple[list[str], str]] = []
    path: list[str] = []
    body: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if match:
            if "".join(body).strip():
                sections.append((list(path), "\n".join(body)))
            level = len(match.group(1))
            path = path[: level - 1] + [""] * max(0, level - 1 - len(path)) + [match.group(2)]
            body = []
        else:
            body.append(line)
    if "".join(body).strip():
        sections.append((list(path), "\n".join(body)))
    return sections


def chunk_document(doc: Document, strategy: str = "{{ splitter }}", size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    if strategy == "markdown_headers":
        sections = split_markdown_sections(doc.text)
    elif strategy == "recursive":
        sections = [([], doc.text)]
    else:
        raise ValueError(f"unknown splitter {strategy!r}")
    chunks: list[Chunk] = []
    for headings, body in sections:
        headings = [h for h in headings if h]
        for text in split_text(body, size, overlap):
            chunks.append(Chunk(doc.source, doc.title, len(chunks), text, headings))
    return chunks


def embedding_input(chunk: Chunk) -> str:
    """What is embedded: the title and heading path give a short chunk its context."""
    context = " > ".join([chunk.title, *chunk.headings])
    return f"{context}\n\n{chunk.text}"
