"""What-if speed: simulated cases per second and the wall time of a one-prefecture year
(5 parks × 300 cases, 博州's five parks), beside the engine-overhead throughput of standard
cases measured in the same run.

    PATH=$PWD/.venv/bin:$PATH .venv/bin/python -m bench.what_if [--cases-per-park 300] [--weeks 52]

The year runs one world (one arm, one seed) on the time-skipping server with the example
baseline's habits (simulation/examples/baseline-bozhou.toml) spread over the five parks.
Writes bench/results/what_if.md.
"""

import argparse
import asyncio
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from activities.ledger import LedgerActivities
from bench.engine_overhead import throughput
from bench.machine import publish
from bench.standard_case import run_standard_case
from logs import configure_logging
from policies.registry import PACKS
from simulation.baseline import Arrivals, load_baseline
from simulation.change import NO_CHANGE
from simulation.run import run_arm
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker

BASELINE = Path(__file__).parents[1] / "simulation" / "examples" / "baseline-bozhou.toml"


async def engine_rate(cases: int, concurrency: int) -> float:
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            async with build_worker(client, "bench-real", LedgerActivities(engine), executor):
                await run_standard_case(client, "bench-real", "BZ-2026-90000")  # warm up
                return await throughput(
                    lambda cid: run_standard_case(client, "bench-real", cid), cases, concurrency
                )


async def main(cases_per_park: int, weeks: int) -> list[str]:
    configure_logging("json", "ERROR")
    example = load_baseline(BASELINE)
    sets = example.arrivals[0].matter_sets + example.arrivals[1].matter_sets
    parks = [park.code for park in PACKS["BZ"].parks]
    baseline = example.model_copy(
        update={
            "weeks": weeks,
            "arrivals": [
                Arrivals(
                    jurisdiction="BZ", park=park, per_week=cases_per_park / 52, matter_sets=sets
                )
                for park in parks
            ],
        }
    )
    engine_cases_per_s = await engine_rate(cases=30, concurrency=10)
    print(f"engine: {engine_cases_per_s:.2f} standard cases/s")
    done = {"n": 0, "of": 0}

    def moved(n: int, of: int) -> None:
        done["n"], done["of"] = n, of
        if n % 100 == 0:
            print(f"  {n}/{of} cases, {time.perf_counter() - started:.0f} s", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        outcome = await run_arm(baseline, NO_CHANGE, 1, Path(tmp) / "world", moved)
        wall = time.perf_counter() - started
    rate = outcome.cases / wall
    return [
        "# What-if speed",
        "",
        f"One world: 博州's {len(parks)} parks × {cases_per_park} cases a year over {weeks} weeks"
        f" (drawn: {outcome.cases} cases, {outcome.matters} matters, {outcome.corrections}"
        f" 补正, {outcome.coordinations} coordinations), the example baseline's habits, seed 1.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| wall time of the simulated year | {wall:.0f} s ({wall / 60:.1f} min) |",
        f"| simulated cases per second | {rate:.2f} |",
        f"| engine-overhead standard cases per second (same run, dev server, 10 at once) "
        f"| {engine_cases_per_s:.2f} |",
        f"| ratio simulated / engine | **{rate / engine_cases_per_s:.2f}x** |",
        "",
        "A what-if run is two arms × its seeds worlds: three seeds are six such years.",
        "A simulated case here has 1-4 matters with 补正 and coordinations, the standard case",
        "three matters and one 补正; both run the real workflows and ledger writes (the",
        "simulated ledger keeps entries and matter rows only). The simulation waits on the",
        "time-skipping server between moments, so it cannot use the 10-way concurrency the",
        "engine bench has except where many cases act in the same half hour.",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.what_if")
    parser.add_argument("--cases-per-park", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=52)
    args = parser.parse_args()
    publish("what_if", asyncio.run(main(args.cases_per_park, args.weeks)))
