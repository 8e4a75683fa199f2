"""The bounded pool: input order, bounded in-flight work, errors surface, nothing started after."""

from __future__ import annotations

import threading
import time

import pytest

from archivecheck.pool import map_bounded


@pytest.mark.parametrize("workers", [1, 4])
def test_results_in_input_order(workers):
    def slow_first(n):
        time.sleep(0.02 if n == 0 else 0)
        return n * n

    seen = []
    assert list(map_bounded(slow_first, range(20), workers=workers, on_result=seen.append)) == [n * n for n in range(20)]
    assert seen == [n * n for n in range(20)]


def test_in_flight_is_bounded_for_a_long_lazy_list():
    pulled = []
    lock = threading.Lock()

    def items():
        for n in range(10_000):
            with lock:
                pulled.append(n)
            yield n

    results = map_bounded(lambda n: n, items(), workers=3)
    first = [next(results) for _ in range(5)]
    assert first == [0, 1, 2, 3, 4]
    # Only what the bound allows has been read from the list, not all 10,000.
    assert len(pulled) <= 5 + 3 * 2 + 1
    results.close()


def test_an_error_propagates_and_stops_the_rest():
    started = []

    def fn(n):
        started.append(n)
        if n == 2:
            raise ValueError("boom")
        return n

    with pytest.raises(ValueError):
        list(map_bounded(fn, range(1000), workers=2))
    assert len(started) < 50
