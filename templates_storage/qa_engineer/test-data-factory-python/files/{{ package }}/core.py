"""Shared machinery: one seeded random generator and unique sequences."""

from __future__ import annotations

import itertools
import os
import random
import threading

DEFAULT_SEED = {{ seed }}

#: The seed of this run: TESTDATA_SEED replays a failing run with the same data.
SEED = int(os.environ.get("TESTDATA_SEED", DEFAULT_SEED))

rng = random.Random(SEED)

_sequences: list["Sequence"] = []


class Sequence:
    """Unique, increasing values (ids, e-mail numbers) that survive across tests in one run."""

    def __init__(self, start: int = 1) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._counter = itertools.count(start)
        _sequences.append(self)

    def next(self) -> int:
        with self._lock:
            return next(self._counter)

    def reset(self) -> None:
        with self._lock:
            self._counter = itertools.count(self._start)


def reset(seed: int | None = None) -> None:
    """Restart every sequence and reseed the generator: the next objects repeat the first ones."""
    rng.seed(SEED if seed is None else seed)
    for sequence in _sequences:
        sequence.reset()


def pick(options: list[str]) -> str:
    return options[rng.randrange(len(options))]
