"""Sign-in under a flood: 40 concurrent sign-ins of unknown users, while a real person signs
in and a monitor polls /health, on uvicorn.

Side by side in one run, alternated: the password pool as shipped (two threads, 32
waiting at most) against Argon2 on 40 threads (what FastAPI's request threadpool gave
before the pool). The figures are the real sign-in's and /health's latency during the
flood.

    .venv/bin/python -m bench.sign_in_load [--rounds 3]

Writes bench/results/sign_in_load.md.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import httpx
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session, delete
from temporalio.client import Client

from api.app import create_app
from bench.action_latency import percentile
from bench.machine import publish
from logs import configure_logging
from services import accounts as account_service
from settings import Settings
from store import accounts
from store.db import create_schema, make_engine
from store.tables import SignInThrottleRow
from temporal_dev import free_port
from tests.support.identities import provision, signed

PASSWORD = "bench-sign-in-password-1"
FLOOD = 40


async def _round(base: str, engine: Engine) -> tuple[float, list[float], int]:
    """One flood: the real sign-in's seconds, /health's seconds, and 503s among the flood."""
    with Session(engine) as session:  # each round starts unthrottled
        session.exec(delete(SignInThrottleRow))
        session.commit()
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        flood = [
            asyncio.create_task(
                http.post("/auth/token", data={"username": f"nobody.{n}", "password": "x" * 12})
            )
            for n in range(FLOOD)
        ]
        health: list[float] = []
        started = time.perf_counter()
        # The person signs in from another address than the flood's (which the address
        # throttle soon refuses outright).
        person = httpx.AsyncClient(
            base_url=base,
            timeout=120,
            transport=httpx.AsyncHTTPTransport(local_address="127.0.0.2"),
        )
        real = asyncio.create_task(
            person.post("/auth/token", data={"username": "li.si", "password": PASSWORD})
        )
        while not real.done():
            probe = time.perf_counter()
            await http.get("/health")
            health.append(time.perf_counter() - probe)
            await asyncio.sleep(0.05)
        answer = await real
        await person.aclose()
        real_seconds = time.perf_counter() - started
        answers = await asyncio.gather(*flood)
        busy = sum(a.status_code == 503 for a in answers)
        assert answer.status_code in (200, 503), answer.text
        return real_seconds, health, busy


async def main(rounds: int) -> list[str]:
    configure_logging("json", "WARNING")
    directory = Path(tempfile.mkdtemp(prefix="daiban-bench-"))
    url = f"sqlite:///{directory / 'daiban.db'}"
    engine = make_engine(url)
    create_schema(engine)
    provision(engine)
    accounts.set_password(engine, "li.si", PASSWORD)
    settings = signed(Settings(database_url=url, log_level="WARNING"))
    # Neither route touches Temporal: any client object will do.
    app = create_app(settings, client=cast(Client, object()), engine=engine)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    pool, limit = account_service._HASHING, account_service.MAX_WAITING_SIGN_INS
    wide = ThreadPoolExecutor(max_workers=FLOOD)
    results: dict[str, list[tuple[float, list[float], int]]] = {"pool": [], "wide": []}
    for _ in range(rounds):
        for name in ("pool", "wide"):
            account_service._HASHING = pool if name == "pool" else wide
            account_service.MAX_WAITING_SIGN_INS = limit if name == "pool" else 10_000
            results[name].append(await _round(base, engine))
    account_service._HASHING, account_service.MAX_WAITING_SIGN_INS = pool, limit
    server.should_exit = True
    await serving

    def figures(name: str) -> tuple[float, float, float, float]:
        real = statistics.median(r for r, _, _ in results[name])
        health = [h for _, hs, _ in results[name] for h in hs]
        busy = statistics.mean(b for _, _, b in results[name])
        return real, percentile(health, 0.5), percentile(health, 0.99), busy

    shipped, before = figures("pool"), figures("wide")
    lines = [
        "# Sign-in under a flood of 40 concurrent sign-ins",
        "",
        f"{rounds} rounds each, alternated, uvicorn on one process (`bench/sign_in_load.py`).",
        "",
        "| | real sign-in (s, median) | /health p50 (ms) | /health p99 (ms) | flood answered 503 |",
        "|---|---|---|---|---|",
        f"| password pool (2 threads, 32 queued) | {shipped[0]:.2f} | {shipped[1] * 1000:.1f} | "
        f"{shipped[2] * 1000:.1f} | {shipped[3]:.0f} of {FLOOD} |",
        f"| Argon2 on 40 threads (before) | {before[0]:.2f} | {before[1] * 1000:.1f} | "
        f"{before[2] * 1000:.1f} | {before[3]:.0f} of {FLOOD} |",
        "",
        f"/health p50 ratio, before / pool: {before[1] / shipped[1]:.1f}x; "
        f"real sign-in ratio: {before[0] / shipped[0]:.1f}x.",
        "",
    ]
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    publish("sign_in_load", asyncio.run(main(parser.parse_args().rounds)))
