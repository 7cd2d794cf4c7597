"""When a busy worker counts as heavy, so that the pool may start an extra one beside it.

"Heavy" is relative, because an absolute limit misjudges both loaded and slow machines: a job
is heavy once it has run longer than ``heavy_after``, and longer than twice the slowest job
that finished recently (that figure halves every ``SLOW_HALF_LIFE`` s; the bar never rises
above ``HEAVY_CEILING``). Named questions that take 0.3 s alone took up to 2 s under the
16-client mixed load of tests/faults, and an absolute 0.5 s forked extras there, whose
competition for the cores slowed everything further; jobs stopped at their deadline never
count, so hostile queries cannot raise the bar.

>>> bar = HeavyBar(0.5)
>>> bar.threshold(now=100.0)
0.5
>>> bar.finished(1.5, now=100.0)
>>> bar.threshold(now=100.0)
3.0
"""

from __future__ import annotations

#: The least time on one job that makes a worker "heavy" (seconds).
HEAVY_AFTER = 0.5
#: How far the slowest recent finished job can raise that bar (as a multiple, and at most).
HEAVY_FACTOR = 2.0
HEAVY_CEILING = 5.0
#: The remembered slowest job time halves over this many seconds.
SLOW_HALF_LIFE = 30.0


class HeavyBar:
    """How long a job must have run for its worker to count as heavy (times: loop seconds)."""

    def __init__(self, heavy_after: float = HEAVY_AFTER) -> None:
        self.heavy_after = heavy_after
        #: The slowest recent finished job (seconds) and when it finished.
        self._slowest = 0.0
        self._slowest_at = 0.0

    def threshold(self, now: float) -> float:
        """The bar at ``now``: ``heavy_after``, or twice the slowest recent job, capped."""
        return max(self.heavy_after, min(HEAVY_CEILING, HEAVY_FACTOR * self._recent_slowest(now)))

    def finished(self, seconds: float, now: float) -> None:
        """Remember a job that finished (not one stopped at its deadline) if it was slow."""
        if HEAVY_FACTOR * seconds <= self.heavy_after:
            return  # it cannot lift the bar above the floor (the usual case; no pow)
        if seconds > self._recent_slowest(now):
            self._slowest, self._slowest_at = seconds, now

    def _recent_slowest(self, now: float) -> float:
        return self._slowest * 0.5 ** ((now - self._slowest_at) / SLOW_HALF_LIFE)
