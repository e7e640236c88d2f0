"""Ledger writes from many threads of one process on SQLite: queued in the process
(`store.db.one_writer`) against left to SQLite's busy handler, rounds alternated.

    .venv/bin/python -m bench.sqlite_writers [--threads 16] [--writes 60] [--rounds 4]

The worker runs its activities, the ledger writes among them, on 16 threads; each thread
here appends ``--writes`` entries with the project's default 5 s lock wait, while
``--burners`` processes spin on the cores as the Temporal server and the API do beside a
worker. Reported per way: appends per second, p50/p99/max of one append, and appends that
failed with "database is locked" (in the worker, each such failure is a retried activity).
Writes bench/results/sqlite_writers.md.
"""

import argparse
import contextlib
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

from sqlalchemy.exc import OperationalError

from bench.machine import publish
from store import ledger
from store.chain import verify
from store.db import create_schema, make_engine
from tests.support.ledger_entries import ops_write

QUEUED, BUSY_HANDLER = "queued in the process", "SQLite's busy handler alone"


@contextlib.contextmanager
def _no_queue(_engine: object) -> Iterator[None]:
    yield


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def burning(processes: int) -> Iterator[None]:
    """Other processes busy on the cores, as on a machine that also runs the server."""
    burners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(processes)]
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        for burner in burners:
            burner.terminate()


def one_round(way: str, threads: int, writes: int, directory: Path) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{directory / f'{way[:6]}-{time.monotonic_ns()}.db'}")
    create_schema(engine)
    times: list[float] = []
    failed = 0

    def write(writer: int) -> None:
        nonlocal failed
        for i in range(writes):
            entry = ops_write(f"bench/{writer}-{i}", f"{writer}-{i}")
            started = time.perf_counter()
            try:
                ledger.append(engine, entry)
            except OperationalError:
                failed += 1
            times.append(time.perf_counter() - started)

    patch = mock.patch("store.ledger.one_writer", _no_queue) if way == BUSY_HANDLER else None
    with patch or contextlib.nullcontext():
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(write, range(threads)))
        wall = time.perf_counter() - started
    assert verify(engine).ok
    engine.dispose()
    times.sort()
    return {
        "per_s": (len(times) - failed) / wall,
        "p50": times[len(times) // 2] * 1000,
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        "max": times[-1] * 1000,
        "failed": failed,
    }


def main(threads: int, writes: int, rounds: int, burners: int) -> list[str]:
    results: dict[str, list[dict[str, float]]] = {QUEUED: [], BUSY_HANDLER: []}
    with tempfile.TemporaryDirectory() as tmp, burning(burners):
        for n in range(rounds):
            order = (QUEUED, BUSY_HANDLER) if n % 2 == 0 else (BUSY_HANDLER, QUEUED)
            for way in order:
                figures = one_round(way, threads, writes, Path(tmp))
                results[way].append(figures)
                print(f"round {n + 1} {way}: {figures}", flush=True)

    def median(way: str, key: str) -> float:
        values = sorted(r[key] for r in results[way])
        return values[len(values) // 2]

    rows = [
        f"| {way} | {median(way, 'per_s'):.0f} | {median(way, 'p50'):.1f} | "
        f"{median(way, 'p99'):.1f} | {max(r['max'] for r in results[way]):.0f} | "
        f"{sum(int(r['failed']) for r in results[way])} |"
        for way in (QUEUED, BUSY_HANDLER)
    ]
    p99 = median(BUSY_HANDLER, "p99") / median(QUEUED, "p99")
    rate = median(QUEUED, "per_s") / median(BUSY_HANDLER, "per_s")
    return [
        "# SQLite ledger writers: queued in the process against the busy handler",
        "",
        f"{threads} threads of one process, {writes} appends each, the default 5 s lock wait,"
        f" {burners} other processes spinning on the cores, {rounds} rounds with the two"
        " ways alternated (medians over rounds; max and failures over all).",
        "",
        "| way | appends/s | p50 ms | p99 ms | max ms | failed (database is locked) |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        f"- p99, busy handler / queued: **{p99:.2f}x**; appends per second, queued / busy"
        f" handler: **{rate:.2f}x**.",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_writers")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--writes", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--burners", type=int, default=2)
    args = parser.parse_args()
    publish("sqlite_writers", main(args.threads, args.writes, args.rounds, args.burners))
