"""Which input files a shard owns: a stable hash of the file name, modulo the shard count.

Hashing (not sorting and slicing) keeps a file in the same shard when files are added or
removed, so a re-run after new data arrives rescans only what changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def shard_of(name: str, shards: int) -> int:
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def files_for_shard(input_dir: Path, index: int, shards: int) -> list[Path]:
    if not 0 <= index < shards:
        raise ValueError(f"shard index {index} is outside 0..{shards - 1}")
    files = sorted(p for p in input_dir.rglob("*.jsonl") if p.is_file())
    return [p for p in files if shard_of(p.relative_to(input_dir).as_posix(), shards) == index]
