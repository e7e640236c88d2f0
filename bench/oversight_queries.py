"""Oversight list and statistics latency with a large projection, SQLite against PostgreSQL.

    .venv/bin/python -m bench.oversight_queries [--cases 100000] [--repeat 30]

Loads the generated cases (70 % cross-county, 1-3 matters each, over 4 counties) into a
fresh database of each kind, then times each oversight request through the FastAPI app
in process (ASGI, no network): p50 and p99 of ``--repeat`` runs after one warm-up.
Writes bench/results/oversight_queries.md.
"""

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert

from bench.action_latency import percentile
from bench.machine import publish
from bench.postgres import available, postgres_cluster
from logs import configure_logging
from settings import Settings
from store import oversight as oversight_store
from store import tally
from store.db import create_schema, make_engine
from store.oversight import OversightFilter
from store.tables import CaseCountyRow, CaseRow, MatterRow, WorkItemRow
from tests.support.identities import api_client, oversight

DEPARTMENTS = [
    ("jinghe-natural-resources", "精河县自然资源局", "精河县"),
    ("jinghe-housing-construction", "精河县住房和城乡建设局", "精河县"),
    ("bole-market-regulation", "博乐市市场监督管理局", "博乐市"),
    ("alashankou-water-resources", "阿拉山口市水利局", "阿拉山口市"),
    ("bole-natural-resources", "博乐市自然资源局", "博乐市"),
]
MATTERS = ["land-preexamination", "construction-permit", "enterprise-registration", "water-permit"]
STAGES = ["planning", "processing", "processing", "delivery", "evaluation", "archived"]
LEVELS = [None, "非常满意", "满意", "基本满意", "不满意", "非常不满意"]
STATES = ["approved", "approved", "refused", "handed_over", "accepted", "correction_requested"]
QUERIES = {
    "list, first page": ("/oversight/cases", {}),
    "list, county + stage": ("/oversight/cases", {"county": "精河县", "stage": "processing"}),
    "list, overdue": ("/oversight/cases", {"overdue": "true"}),
    "list, pending + October": (
        "/oversight/cases",
        {"pending_coordination": "true", "opened_from": "2026-10-01", "opened_to": "2026-10-31"},
    ),
    "list, page 1000": ("/oversight/cases", {"offset": 50_000, "limit": 50}),
    "count, county": ("/oversight/cases/count", {"county": "阿拉山口市"}),
    "statistics, all (tallies)": ("/oversight/statistics", {}),
    "statistics, October": (
        "/oversight/statistics",
        {"opened_from": "2026-10-01", "opened_to": "2026-10-31"},
    ),
    "statistics, county + month": (
        "/oversight/statistics",
        {"county": "阿拉山口市", "opened_from": "2026-10-01", "opened_to": "2026-10-31"},
    ),
}


def generate(engine: Engine, cases: int, seed: int = 42) -> None:
    """Bulk-insert the projection rows (the ledger is not read by these requests)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    batch: dict[type, list[dict]] = {CaseRow: [], MatterRow: [], CaseCountyRow: [], WorkItemRow: []}
    for number in range(1, cases + 1):
        case_id = f"BZ-2026-{number:06d}"
        cross = rng.random() < 0.7
        opened = start + timedelta(minutes=rng.randrange(0, 330 * 24 * 60))
        departments = rng.sample(DEPARTMENTS, rng.randint(1, 3)) if cross else [DEPARTMENTS[2]]
        counties = sorted({"博乐市", *(county for _, _, county in departments)})
        batch[CaseRow].append(
            {
                "case_id": case_id,
                "workflow_id": case_id,
                "jurisdiction": "BZ",
                "park": "bole-wutai" if cross else "bole-jinsanjiao",
                "enterprise_name": f"企业{number}",
                "uscc": "91350100M000100Y43",
                "project_name": "项目",
                "stage": rng.choice(STAGES),
                "agent_name": "王五",
                "opened_at": opened,
                "entrustment_end": date(2027, 6, 30),
                "county": "博乐市",
                "lead_committee": "博乐边境经济合作区管委会" if cross else None,
                "cross_county": cross,
                "open_problems": rng.choice([0, 0, 0, 0, 1, 2]),
                "satisfaction": rng.choice(LEVELS),
                "version": 1,
            }
        )
        batch[CaseCountyRow] += [{"case_id": case_id, "county": c} for c in counties]
        for code, (department, name, county) in zip(
            rng.sample(MATTERS, len(departments)), departments, strict=True
        ):
            state = rng.choice(STATES)
            handed = opened + timedelta(hours=rng.randrange(1, 72))
            accepted = None if state == "handed_over" else handed + timedelta(hours=5)
            decided = handed + timedelta(hours=rng.randrange(24, 1200))
            batch[MatterRow].append(
                {
                    "case_id": case_id,
                    "code": code,
                    "name": code,
                    "department": department,
                    "department_name": name,
                    "state": state,
                    "handed_over_at": handed,
                    "accepted_at": accepted,
                    "decided_at": decided if state in ("approved", "refused") else None,
                    "open_correction": [],
                    "correction_count": rng.choice([0, 0, 1, 2]),
                    "overdue": accepted is not None and rng.random() < 0.15,
                    "county": county,
                    "cross_county": county != "博乐市",
                    "version": 1,
                }
            )
            batch[WorkItemRow].append(
                _work_item(case_id, code, department, name, state, handed, decided, cross)
            )
        if number % 5000 == 0 or number == cases:
            with engine.begin() as connection:
                for table, rows in batch.items():
                    if rows:
                        connection.execute(insert(table), rows)
                        rows.clear()


def _work_item(
    case_id: str,
    code: str,
    department: str,
    name: str,
    state: str,
    handed: datetime,
    decided: datetime,
    cross: bool,
) -> dict:
    """The matter's clock as the work list holds it: a 24-hour hand-over not yet accepted,
    a deadline while it runs (paused for a 补正: closed), closed once decided (已办)."""
    hand_off = state == "handed_over"
    due = handed + (timedelta(hours=24) if hand_off else timedelta(days=30))
    return {
        "case_id": case_id,
        "kind": "hand_off" if hand_off else "matter_deadline",
        "matter": code,
        "source": "matter",
        "owner": "department",
        "jurisdiction": "BZ",
        "park": "bole-wutai" if cross else "bole-jinsanjiao",
        "uscc": "91350100M000100Y43",
        "cross_county": cross,
        "department": department,
        "department_name": name,
        "matter_name": code,
        "enterprise_name": f"企业{case_id[-6:]}",
        "project_name": "项目",
        "label": f"办结“{code}”",
        "due_at": due,
        "due_on": None if hand_off else (due - timedelta(days=1)).date(),
        "warn_at": None,
        "provisional": False,
        "opened_at": handed,
        "closed_at": None if state in ("handed_over", "accepted") else decided,
    }


async def time_queries(engine: Engine, url: str, repeat: int) -> list[tuple[str, float, float]]:
    headers = oversight()  # each request also checks the token and reads the account
    results = []
    async with api_client(Settings(database_url=url), object(), engine) as http:
        for name, (path, params) in QUERIES.items():
            (await http.get(path, params=params, headers=headers)).raise_for_status()
            timings = []
            for _ in range(repeat):
                begun = time.perf_counter()
                response = await http.get(path, params=params, headers=headers)
                timings.append(1000 * (time.perf_counter() - begun))
                response.raise_for_status()
            results.append((name, percentile(timings, 0.5), percentile(timings, 0.99)))
    return results


def side_by_side(engine: Engine, repeat: int) -> list[tuple[str, float, float]]:
    """All cross-county statistics live and from the tallies, alternated in one run; the
    two must agree."""
    where = OversightFilter()
    assert oversight_store.figures(engine, where) == oversight_store.live_figures(engine, where)
    timings: dict[str, list[float]] = {"figures, live query": [], "figures, tallies": []}
    for _ in range(repeat):
        for name, count in (
            ("figures, live query", oversight_store.live_figures),
            ("figures, tallies", oversight_store.figures),
        ):
            begun = time.perf_counter()
            count(engine, where)
            timings[name].append(1000 * (time.perf_counter() - begun))
    return [(n, percentile(t, 0.5), percentile(t, 0.99)) for n, t in timings.items()]


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{tmp}/daiban.db"


async def main(cases: int, repeat: int) -> list[str]:
    configure_logging("json", "WARNING")
    backends = {"SQLite": sqlite_database}
    if available():
        backends["PostgreSQL 15"] = postgres_cluster
    rows, loads, rebuilds = [], {}, {}
    for backend, database in backends.items():
        with database() as url:
            engine = make_engine(url)
            create_schema(engine)
            started = time.perf_counter()
            generate(engine, cases)
            loads[backend] = time.perf_counter() - started
            print(f"{backend}: {cases} cases loaded in {loads[backend]:.0f} s", flush=True)
            started = time.perf_counter()
            tally.rebuild(engine)  # a bulk load bypasses the ledger writes that keep them
            rebuilds[backend] = time.perf_counter() - started
            for name, p50, p99 in side_by_side(engine, repeat):
                rows.append((backend, name, p50, p99))
                print(f"{backend:14} {name:28} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms", flush=True)
            for name, p50, p99 in await time_queries(engine, url, repeat):
                rows.append((backend, name, p50, p99))
                print(f"{backend:14} {name:28} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms", flush=True)
            engine.dispose()
    return [
        "# Oversight queries with a large projection",
        "",
        f"{cases:,} cases (70 % cross-county, 1-3 matters each), loaded by bulk insert;",
        f"each request through the FastAPI app in process, {repeat} runs after a warm-up.",
        "PostgreSQL runs with its default settings on the same machine.",
        "",
        "| database | request | p50 ms | p99 ms |",
        "|---|---|---|---|",
        *(f"| {b} | {n} | {p50:.1f} | {p99:.1f} |" for b, n, p50, p99 in rows),
        "",
        "Load time: " + ", ".join(f"{b} {s:.0f} s" for b, s in loads.items()) + "; tallies"
        " rebuilt from the projection (`python -m ops rebuild-tallies`) in "
        + ", ".join(f"{b} {s:.1f} s" for b, s in rebuilds.items())
        + ".",
        "",
        "The two `figures` rows are the same statistics for all cross-county cases counted",
        "in process, live from the projection and from the kept tallies, alternated; the",
        "`(tallies)` requests are answered from the tallies, the county ones live.",
        "",
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.oversight_queries")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    publish("oversight_queries", asyncio.run(main(args.cases, args.repeat)))
