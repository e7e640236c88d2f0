"""The embedded dev server's SQLite settings: default pragmas against WAL + synchronous=normal,
two servers side by side in one run, standard cases alternated between them.

    .venv/bin/python -m bench.sqlite_pragmas [--cases 20] [--concurrency 10] [--runs 3]

Prints the figures and writes bench/results/sqlite_pragmas.md.
"""

import argparse
import asyncio
import statistics
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from activities.ledger import LedgerActivities
from bench.engine_overhead import throughput
from bench.machine import publish
from bench.standard_case import run_standard_case
from logs import configure_logging
from store.db import create_schema, make_engine
from temporal_dev import WAL_PRAGMAS, connect_when_up, dev_server
from temporal_worker import build_worker

DEFAULT, WAL = "default pragmas", "journal_mode=wal, synchronous=normal"
SETTINGS = {DEFAULT: (), WAL: WAL_PRAGMAS}


async def main(cases: int, concurrency: int, runs: int) -> list[str]:
    configure_logging("json", "WARNING")
    rates: dict[str, list[float]] = {name: [] for name in SETTINGS}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        addresses = {
            name: servers.enter_context(dev_server(Path(tmp) / f"{n}.db", pragmas))
            for n, (name, pragmas) in enumerate(SETTINGS.items())
        }
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        clients = {name: await connect_when_up(address) for name, address in addresses.items()}
        with ThreadPoolExecutor(16) as executor:
            workers = [
                build_worker(client, "bench", LedgerActivities(engine), executor)
                for client in clients.values()
            ]
            async with workers[0], workers[1]:
                for name, client in clients.items():  # warm up both
                    await run_standard_case(client, "bench", f"BZ-2026-9{len(name):04d}")
                for run in range(runs):
                    order = list(SETTINGS) if run % 2 == 0 else list(reversed(SETTINGS))
                    for name in order:
                        client = clients[name]
                        rate = await throughput(
                            lambda cid, c=client: run_standard_case(c, "bench", cid),
                            cases,
                            concurrency,
                        )
                        rates[name].append(rate)
                        print(f"run {run + 1}/{runs} {name}: {rate:.2f} cases/s")
    ratios = [w / d for w, d in zip(rates[WAL], rates[DEFAULT], strict=True)]
    lines = [
        "# Dev server SQLite pragmas",
        "",
        f"{cases} standard cases per run at concurrency {concurrency}, {runs} runs, two dev",
        "servers side by side (one worker each, one process), settings alternated.",
        "",
        "| dev server | median cases/s | min | max |",
        "|---|---|---|---|",
        *(
            f"| {name} | {statistics.median(r):.2f} | {min(r):.2f} | {max(r):.2f} |"
            for name, r in rates.items()
        ),
        "",
        f"WAL / default: median **{statistics.median(ratios):.2f}x** "
        f"(runs {', '.join(f'{r:.2f}' for r in ratios)}).",
        "",
    ]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.sqlite_pragmas")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    report = asyncio.run(main(args.cases, args.concurrency, args.runs))
    publish("sqlite_pragmas", report)
