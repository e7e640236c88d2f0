"""What a secured Temporal costs per action: the matter actions with the worker and the
client straight on the dev server, against both through an nginx proxy that ends TLS and
requires a client certificate (tests/support/grpc_proxy.py), in one run.

Rounds alternate the two ways (plain, mTLS, plain, mTLS, ...) so drift falls on both.

    .venv/bin/python -m bench.tls_proxy [--rounds 4] [--cases 10]

Prints the figures and writes bench/results/tls_proxy.md.
"""

import argparse
import asyncio
import statistics
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from activities.ledger import LedgerActivities
from bench.action_latency import (
    KINDS,
    TASK_QUEUE,
    client_actions,
    latencies,
    open_cases,
    percentile,
)
from bench.machine import publish
from logs import configure_logging
from settings import Settings
from store.db import create_schema, make_engine
from temporal_client import connect
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker
from tests.support.grpc_proxy import tls_proxy
from tests.support.tls import Authority

PLAIN, MTLS = "plaintext, direct", "mTLS through nginx"
SERVER_NAME = "temporal.bench"


async def main(rounds: int, cases: int) -> list[str]:
    configure_logging("json", "WARNING")
    measured: dict[str, dict[str, list[float]]] = {
        way: {kind: [] for kind in KINDS} for way in (PLAIN, MTLS)
    }
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        pki = Authority(Path(tmp), "bench-ca")
        server = pki.issue("frontend", server_name=SERVER_NAME)
        client_cert = pki.issue("daiban")
        with tls_proxy(address, Path(tmp) / "nginx", server.cert, server.key, pki.ca) as proxy:
            await connect_when_up(address)
            engine = make_engine(f"sqlite:///{tmp}/daiban.db")
            create_schema(engine)
            clients = {
                PLAIN: await connect(Settings(temporal_address=address)),
                MTLS: await connect(
                    Settings(
                        temporal_address=proxy,
                        temporal_tls_server_ca_file=pki.ca,
                        temporal_tls_server_name=SERVER_NAME,
                        temporal_tls_client_cert_file=client_cert.cert,
                        temporal_tls_client_key_file=client_cert.key,
                    )
                ),
            }
            with ThreadPoolExecutor(16) as executor:
                for number in range(rounds):
                    for way in (PLAIN, MTLS) if number % 2 == 0 else (MTLS, PLAIN):
                        client = clients[way]
                        worker = build_worker(
                            client, TASK_QUEUE, LedgerActivities(engine), executor
                        )
                        async with worker:
                            targets = (await open_cases(client, engine, (cases + 1) // 2))[:cases]
                            actions = client_actions(client)
                            for kind in KINDS:
                                measured[way][kind] += await latencies(actions[kind], targets, 1)
    return _report(measured, rounds, cases)


def _report(measured: dict[str, dict[str, list[float]]], rounds: int, cases: int) -> list[str]:
    lines = [
        "# The TLS proxy's cost per action",
        "",
        f"{rounds} alternating rounds of {cases} actions per kind, 1 actor, through the "
        "Temporal client; the worker connected the same way as the client. One dev server, "
        "one SQLite ledger.",
        "",
        "| kind | plain p50 ms | mTLS p50 ms | ratio | plain p99 ms | mTLS p99 ms | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    every: dict[str, list[float]] = {PLAIN: [], MTLS: []}
    for kind in [*KINDS, "all"]:
        if kind == "all":
            plain, secured = every[PLAIN], every[MTLS]
        else:
            plain, secured = measured[PLAIN][kind], measured[MTLS][kind]
            every[PLAIN] += plain
            every[MTLS] += secured
        p50 = [1000 * statistics.median(v) for v in (plain, secured)]
        p99 = [1000 * percentile(v, 0.99) for v in (plain, secured)]
        lines.append(
            f"| {kind} | {p50[0]:.1f} | {p50[1]:.1f} | {p50[1] / p50[0]:.2f} "
            f"| {p99[0]:.1f} | {p99[1]:.1f} | {p99[1] / p99[0]:.2f} |"
        )
    return [*lines, ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--cases", type=int, default=10)
    arguments = parser.parse_args()
    publish("tls_proxy", asyncio.run(main(arguments.rounds, arguments.cases)))
