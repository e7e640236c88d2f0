"""Server time of each console page with 10,000 cases in the projection.

    .venv/bin/python -m bench.console_pages [--cases 10000] [--repeat 50]

Loads the generated cases (as bench.oversight_queries: 70 % cross-county, 1-3 matters
each), starts a dev server and a worker, drives one real cross-county case to its
departments (the case and task pages query its workflow), signs each person in through
the console, and times every page through the app in process (ASGI, no network, so the
time is the server's: the page, its in-process API calls, the database and Temporal).
p50 and p99 of ``--repeat`` runs after one warm-up. Writes bench/results/console_pages.md.
"""

import argparse
import asyncio
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from activities.ledger import LedgerActivities
from bench.action_latency import percentile
from bench.machine import publish
from bench.oversight_queries import generate
from logs import configure_logging
from settings import Settings
from store import accounts, tally
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker
from tests.support.driver import CaseDriver
from tests.support.identities import api_client, sign_in_form

PASSWORD = "bench-console-password"
LAND = "jinghe-natural-resources"
PEOPLE = {
    "coordinator": "li.si",  # 博州's centre: every one of the 10,000 cases
    "department": f"clerk.{LAND}",
    "oversight": "gxj.chen",
    "enterprise": "zhang.san",  # the generator gives every case this enterprise's code
}


def pages(case_id: str) -> list[tuple[str, str, str]]:
    return [
        ("sign-in form", "coordinator", "/console/sign-in"),
        ("case list, first page", "coordinator", "/console/cases"),
        ("case list, search", "coordinator", "/console/cases?q=企业12"),
        ("case list, overdue only", "coordinator", "/console/cases?overdue=true"),
        ("case list, stage + page 50", "coordinator", "/console/cases?stage=processing&page=50"),
        ("new-case form", "coordinator", "/console/cases/new"),
        ("case page (live workflow)", "coordinator", f"/console/cases/{case_id}"),
        ("department inbox", "department", "/console/inbox"),
        ("department task", "department", f"/console/inbox/{case_id}/land-preexamination"),
        ("dashboard, all", "oversight", "/console/dashboard"),
        (
            "dashboard, county + stage",
            "oversight",
            "/console/dashboard?county=精河县&stage=processing",
        ),
        ("enterprise's cases", "enterprise", "/console/cases"),
        ("enterprise's case page", "enterprise", f"/console/cases/{case_id}"),
        ("待办, all clocks", "coordinator", "/console/work"),
        ("待办, page 100", "coordinator", "/console/work?page=100"),
        ("督办 (overdue)", "coordinator", "/console/work?tab=overdue"),
        ("已办", "coordinator", "/console/work?tab=done"),
        (
            "待办, kind + due before",
            "coordinator",
            "/console/work?kind=hand_off&due_before=2026/12/31",
        ),
        ("待办, department's", "department", "/console/work"),
        ("待办, 州工信局's", "oversight", "/console/work"),
        ("待办, enterprise's", "enterprise", "/console/work"),
        ("消息", "coordinator", "/console/notifications"),
    ]


async def _open_real_case(driver: CaseDriver) -> str:
    case_id = await driver.open(park="bole-wutai", matters=["land-preexamination"])
    await driver.accept(case_id)
    await driver.plan(case_id, ["land-preexamination"])
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    return case_id


async def main(cases: int, repeat: int) -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/daiban.db"
        engine = make_engine(url)
        create_schema(engine)
        started = time.perf_counter()
        generate(engine, cases)
        tally.rebuild(engine)  # a bulk load bypasses the ledger writes that keep them
        loaded = time.perf_counter() - started
        print(f"{cases} cases loaded in {loaded:.0f} s", flush=True)
        with dev_server(Path(tmp) / "temporal.db") as address:
            client = await connect_when_up(address)
            settings = Settings(
                temporal_address=address, task_queue="bench-console", database_url=url
            )
            with ThreadPoolExecutor(4) as executor:
                worker = build_worker(client, "bench-console", LedgerActivities(engine), executor)
                async with worker, api_client(settings, client, engine) as http:
                    case_id = await _open_real_case(CaseDriver(http))
                    app = http._transport.app
                    browsers = {}
                    for role, username in PEOPLE.items():
                        accounts.set_password(engine, username, PASSWORD)
                        browser = httpx.AsyncClient(
                            transport=httpx.ASGITransport(app=app), base_url="http://daiban"
                        )
                        form = await sign_in_form(browser)
                        signed = await browser.post(
                            "/console/sign-in",
                            data={"username": username, "password": PASSWORD, **form},
                        )
                        assert signed.status_code == 303, signed.text
                        browsers[role] = browser
                    for name, role, path in pages(case_id):
                        browser = browsers[role]
                        (await browser.get(path)).raise_for_status()
                        timings = []
                        for _ in range(repeat):
                            begun = time.perf_counter()
                            response = await browser.get(path)
                            timings.append(1000 * (time.perf_counter() - begun))
                            response.raise_for_status()
                        p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
                        rows.append((name, role, p50, p99))
                        print(f"{name:30} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms", flush=True)
                    for browser in browsers.values():
                        await browser.aclose()
        engine.dispose()
    worst = max(p99 for *_, p99 in rows)
    return [
        "# Console pages: server time with a large projection",
        "",
        f"{cases:,} cases in the SQLite projection (70 % cross-county, 1-3 matters each,",
        "bulk-inserted), plus one real cross-county case on the dev server whose workflow the",
        "case and task pages query. Each page through the app in process (ASGI, no network),",
        f"signed in through the console as its user; {repeat} runs after a warm-up.",
        "",
        "| page | as | p50 ms | p99 ms |",
        "|---|---|---|---|",
        *(f"| {name} | {role} | {p50:.1f} | {p99:.1f} |" for name, role, p50, p99 in rows),
        "",
        f"Worst p99: {worst:.1f} ms (aim: under 300 ms). Load time {loaded:.0f} s.",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.console_pages")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    publish("console_pages", asyncio.run(main(args.cases, args.repeat)))
