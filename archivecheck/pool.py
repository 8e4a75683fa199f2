"""One bounded worker pool for every command that checks many links.

Results come back in input order, while at most `workers * 2` links are in flight, so a list of
100,000 links never holds 100,000 futures (memory stays flat) and a slow link does not stop the
others from being worked on. The pool only overlaps waiting: the session's per-archive rate
limits, not the number of workers, set the pace of requests.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_bounded(fn: Callable[[T], R], items: Iterable[T], *, workers: int = 1,
                on_result: Callable[[R], None] | None = None) -> Iterator[R]:
    """fn over items, results yielded in input order; `on_result` is called for each as it is
    yielded (from the caller's thread). An exception in fn propagates when its turn comes; the
    links still in flight are cancelled or finish, and nothing more is started."""
    if workers <= 1:
        for item in items:
            result = fn(item)
            if on_result:
                on_result(result)
            yield result
        return
    pending: deque[Future] = deque()
    source = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="archivecheck") as pool:
        try:
            for item in source:
                pending.append(pool.submit(fn, item))
                if len(pending) >= workers * 2:
                    yield _take(pending, on_result)
            while pending:
                yield _take(pending, on_result)
        finally:
            # Stopped early (an error, a closed generator, an interrupt): start nothing more.
            for future in pending:
                future.cancel()


def _take(pending: deque[Future], on_result):
    result = pending.popleft().result()
    if on_result:
        on_result(result)
    return result
