"""What seeding the demo is doing, for a person watching it: each stage as it starts, how far a long one has got, and
what it created in how long. Seeding takes minutes; without this it is minutes of silence."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Stage:
    def __init__(self, progress: "Progress", title: str):
        self.progress = progress
        self.title = title
        self.began = progress.clock()
        self.last_line = self.began
        self.counts: dict[str, int] = {}

    def step(self, done: int, total: int, what: str) -> None:
        """Item `done` of `total` is finished; said at most once per interval (never for the last: the stage's end
        line follows)."""
        now = self.progress.clock()
        if done < total and now - self.last_line >= self.progress.interval:
            self.last_line = now
            self.progress.line(f"  {done}/{total} {what}")

    def add(self, counts: dict[str, int]) -> None:
        for name, count in counts.items():
            if count:
                self.counts[name] = self.counts.get(name, 0) + count


class Progress:
    """Lines written through `write` (nothing when it is None), each with the time since the start::

        [  25.4 s] history: past requirements ranked, contacted and bought from …
        [  30.4 s]   13/126 past requirements
        [  84.3 s]   done in 58.9 s: 126 past requirements, 716 linkages, 287 transactions

    `interval` is how often, in seconds, a long stage says how far it has got."""

    def __init__(
        self,
        write: Callable[[str], None] | None = None,
        *,
        interval: float = 5.0,
        clock: Callable[[], float] = time.perf_counter,
    ):
        self.write = write
        self.interval = interval
        self.clock = clock
        self.began = clock()

    def line(self, text: str) -> None:
        if self.write is not None:
            self.write(f"[{self.clock() - self.began:6.1f} s] {text}")

    @contextmanager
    def stage(self, title: str) -> Iterator[Stage]:
        stage = Stage(self, title)
        self.line(f"{title} …")
        yield stage
        summary = ", ".join(f"{count} {name}" for name, count in stage.counts.items()) or "nothing new"
        self.line(f"  done in {self.clock() - stage.began:.1f} s: {summary}")
