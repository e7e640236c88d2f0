"""Replay time against history length: one case whose matter goes through N correction
rounds, replayed (case and matter) with today's code, for several N, in the sandbox the
worker runs and unsandboxed, side by side. A straight line through the points gives the
cost per workflow task and the fixed cost per replay.

    .venv/bin/python -m bench.replay_long_history [--rounds 10 40 80] [--repeat 5]

Prints the figures and writes bench/results/replay_long_history.md.
"""

import argparse
import asyncio
import itertools
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, WorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from activities.ledger import LedgerActivities
from bench.machine import publish
from bench.standard_case import AGENT, case_input, department_of, until_accepted
from domain.actions import AcceptMatter, CasePlan, InitialReview, RequestCorrection, Resubmission
from domain.application import Application
from logs import configure_logging
from ops.replay import replay_history
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

MATTER = "land-preexamination"
_ids = itertools.count(1)


async def case_with_rounds(client: Client, rounds: int) -> str:
    from bench.standard_case import APPLICATION

    application = Application.model_validate({**APPLICATION.model_dump(), "matters": [MATTER]})
    case_id = f"BZ-2026-{next(_ids):05d}"
    case = case_input(case_id, application)
    handle = await client.start_workflow(CaseWorkflow.run, case, id=case_id, task_queue="bench")
    review = InitialReview(decision="accept", materials_received=["委托书"], actor=AGENT)
    await handle.execute_update(CaseWorkflow.review, review)
    plan = CasePlan.model_validate(
        {
            "agent": {"id": "wang.wu", "name": "王五", "phone": "13900000000"},
            "actor": AGENT,
            "matters": [
                {
                    "matter": MATTER,
                    "materials": ["用地红线图"],
                    "planned_start": date(2026, 12, 1),
                    "planned_finish": date(2026, 12, 31),
                }
            ],
        }
    )
    await handle.execute_update(CaseWorkflow.plan, plan)
    child = client.get_workflow_handle(f"{case_id}/{MATTER}")
    clerk = department_of(MATTER)
    await until_accepted(
        lambda: child.execute_update(MatterWorkflow.accept, AcceptMatter(actor=clerk))
    )
    for _ in range(rounds):  # every item names the material resubmitted (一次性告知)
        correction = RequestCorrection(items=["用地红线图坐标"], actor=clerk)
        await child.execute_update(MatterWorkflow.request_correction, correction)
        resubmission = Resubmission(materials=["用地红线图"], actor=AGENT)
        await child.execute_update(MatterWorkflow.resubmit, resubmission)
    return case_id


RUNNERS: dict[str, WorkflowRunner | None] = {
    "sandboxed": None,  # the worker's and ops' runner (temporal_runner.py)
    "SDK sandbox": SandboxedWorkflowRunner(),  # as shipped: a trip into it per payload visit
    "unsandboxed": UnsandboxedWorkflowRunner(),
}


async def timed_replay(
    client: Client, workflow_id: str, repeat: int
) -> tuple[int, int, dict[str, float]]:
    """Events, workflow tasks, and the median replay ms by runner (alternated per repeat)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    tasks = sum(
        1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    )
    times: dict[str, list[float]] = {name: [] for name in RUNNERS}
    for _ in range(repeat):
        for name, runner in RUNNERS.items():
            started = time.perf_counter()
            outcome = await replay_history(history, runner)
            times[name].append(time.perf_counter() - started)
            assert outcome.ok, outcome.divergence
    return len(history.events), tasks, {n: 1000 * statistics.median(t) for n, t in times.items()}


SHORT = 10  # rounds: the histories the straight line is fitted over


def line_through(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares: (ms per workflow task, fixed ms per replay)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    slope, intercept = statistics.linear_regression(xs, ys)
    return slope, intercept


async def main(rounds: list[int], repeat: int) -> list[str]:
    configure_logging("json", "WARNING")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, dev_server(Path(tmp) / "temporal.db") as address:
        client = await connect_when_up(address)
        engine = make_engine(f"sqlite:///{tmp}/daiban.db")
        create_schema(engine)
        with ThreadPoolExecutor(16) as executor:
            async with build_worker(client, "bench", LedgerActivities(engine), executor):
                for count in rounds:
                    case_id = await case_with_rounds(client, count)
                    for workflow_id in (case_id, f"{case_id}/{MATTER}"):
                        events, tasks, ms = await timed_replay(client, workflow_id, repeat)
                        kind = "case" if workflow_id == case_id else "matter"
                        rows.append((count, kind, events, tasks, ms))
                        print(f"{count} rounds, {kind}: {events} events, {tasks} tasks, {ms}")
    return _report(rows, repeat)


def _report(rows: list[tuple], repeat: int) -> list[str]:
    lines = [
        "# Replay time against history length, sandboxed and not",
        "",
        f"One case, one matter, N correction rounds; median of {repeat} replays with today's",
        "code (the Replayer, in process), the three runners alternated: the worker's own",
        "(temporal_runner.py), the SDK's sandbox as shipped, and no sandbox. Open workflows,",
        "replayed as far as they got.",
        "",
        "| rounds | workflow | events | workflow tasks | sandboxed ms | SDK sandbox ms "
        "| unsandboxed ms | sandboxed / unsandboxed | SDK sandbox / sandboxed |",
        "|---|---|---|---|---|---|---|---|---|",
        *(
            f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]['sandboxed']:.1f} "
            f"| {r[4]['SDK sandbox']:.1f} | {r[4]['unsandboxed']:.1f} "
            f"| {r[4]['sandboxed'] / r[4]['unsandboxed']:.2f}x "
            f"| {r[4]['SDK sandbox'] / r[4]['sandboxed']:.2f}x |"
            for r in rows
        ),
        "",
        "Fitted over the matter's replays of at most 10 rounds (ms = per task × workflow tasks",
        "+ fixed); longer histories cost more per task, as each task converts a snapshot that",
        "grows with the correction rounds:",
        "",
    ]
    matters = [r for r in rows if r[1] == "matter" and r[0] <= SHORT]
    for name in RUNNERS:
        per_task, fixed = line_through([(r[3], r[4][name]) for r in matters])
        lines.append(f"- {name}: {per_task:.2f} ms per workflow task, {fixed:.1f} ms fixed")
    return [*lines, ""]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.replay_long_history")
    parser.add_argument("--rounds", type=int, nargs="+", default=[1, 3, 5, 10, 40, 80])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    report = asyncio.run(main(args.rounds, args.repeat))
    publish("replay_long_history", report)
