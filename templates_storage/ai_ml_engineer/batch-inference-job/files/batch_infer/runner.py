"""Scores every file of one shard; resumable, because each output is committed atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .sharding import files_for_shard

BATCH_SIZE = {{ batch_size }}
ID_FIELD = "id"


@dataclass
class ShardStats:
    files_scored: int = 0
    files_skipped: int = 0
    records: int = 0


def batches(path: Path, size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                batch.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not JSON ({err.msg})") from err
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def score_file(source: Path, target: Path, predict: Callable[[list[dict]], list], batch_size: int) -> int:
    """Writes target as <target>.partial and renames it when complete: a crash leaves no half file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for batch in batches(source, batch_size):
            for record, prediction in zip(batch, predict(batch), strict=True):
                out.write(json.dumps({ID_FIELD: record.get(ID_FIELD), "prediction": prediction}) + "\n")
            count += len(batch)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)
    return count


def run_shard(
    input_dir: Path,
    output_dir: Path,
    index: int,
    shards: int,
    predict: Callable[[list[dict]], list],
    batch_size: int = BATCH_SIZE,
) -> ShardStats:
    stats = ShardStats()
    for source in files_for_shard(input_dir, index, shards):
        relative = source.relative_to(input_dir)
        target = output_dir / relative
        if target.exists():
            stats.files_skipped += 1  # scored by an earlier attempt of this index
            continue
        stats.records += score_file(source, target, predict, batch_size)
        stats.files_scored += 1
    marker = output_dir / "_markers" / f"shard-{index:05d}-of-{shards:05d}.done"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(stats.__dict__) + "\n", encoding="utf-8")
    return stats
