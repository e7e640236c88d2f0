"""One ledger write per step of a case's life, on this tree against another checkout,
alternated in one run, on SQLite and PostgreSQL.

    .venv/bin/python bench/ledger_write.py --against ../old-checkout [--cases 60] [--rounds 3]

Each round runs both trees in turn (the order alternates by round), each in its own
process on a fresh database: ``--cases`` cases, each opened with three matters, handed
over, and taken through 受理 → 补正 → 补正材料 → 办结 with its clocks, as the workflows
write them (``store.ledger.append`` with the entry, the projection rows, their clocks and
the statistics' tallies). Reported per step: the median ms of one write (medians over
rounds) and the statements it ran, per tree, and this tree's time over the other's.
Writes bench/results/ledger_write.md.

Run as a script (not ``-m``): a measuring process imports ``store`` and ``domain`` from
the tree it measures, so this file uses only what both trees have.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
STEPS = ("开办", "移交", "受理", "补正", "补正材料", "办结", "案件阶段")
MATTERS = ("land", "permit", "seal")


def measure(database_url: str, cases: int) -> dict[str, dict[str, float]]:
    """In the measured tree's process: each step's write times and statement counts."""
    from sqlalchemy import event

    from domain.actors import Actor, Role
    from domain.ledger import CaseSummary, LedgerEntry, LedgerEvent, LedgerWrite, MatterRowData
    from domain.work import ClockKind, Owner, WorkClock
    from store import ledger
    from store.db import create_schema, make_engine

    engine = make_engine(database_url)
    create_schema(engine)
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: object) -> None:
        statements[0] += 1

    start = datetime(2026, 10, 1, 2, tzinfo=UTC)
    actor = Actor(id="zhao", role=Role.DEPARTMENT, department="bole-natural-resources")
    times: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(list)
    serial = 0

    def entry(case_id: str, matter: str | None, step: str) -> LedgerEntry:
        nonlocal serial
        serial += 1
        return LedgerEntry(
            key=f"{case_id}/{matter}/{step}/{serial}",
            case_id=case_id,
            workflow_id=f"{case_id}/{matter}" if matter else case_id,
            event=LedgerEvent.OPS_ACTION,
            matter=matter,
            actor=actor,
            occurred_at=start + timedelta(minutes=serial),
            summary=f"{step}（第{serial}条）",
            details={"step": step, "serial": serial},
        )

    def case(case_id: str, stage: str, version: int, due: datetime) -> CaseSummary:
        return CaseSummary(
            case_id=case_id,
            workflow_id=case_id,
            jurisdiction="BZ",
            park="bole-wutai",
            enterprise_name="博乐市某新材料有限公司",
            uscc="91652701MA7XXXXX1Y",
            project_name="年产 5 万吨新材料项目",
            stage=stage,
            opened_at=start,
            entrustment_end=date(2027, 6, 30),
            county="博乐市",
            cross_county=case_id.endswith(("1", "3")),
            counties=["博乐市", "精河县"] if case_id.endswith(("1", "3")) else ["博乐市"],
            clocks=[
                WorkClock(
                    kind=ClockKind.COORDINATION, owner=Owner.COORDINATOR, due_at=due, label="协调"
                )
            ],
            version=version,
        )

    def matter(code: str, state: str, version: int, at: datetime, **extra: object) -> MatterRowData:
        clock = (
            WorkClock(kind=ClockKind.HAND_OFF, matter=code, owner=Owner.DEPARTMENT, due_at=at)
            if state == "handed_over"
            else WorkClock(
                kind=ClockKind.MATTER_DEADLINE,
                matter=code,
                owner=Owner.DEPARTMENT,
                due_at=at + timedelta(days=20),
                due_on=(at + timedelta(days=19)).date(),
                label="办结",
            )
        )
        return MatterRowData(
            code=code,
            name=f"事项{code}",
            department="bole-natural-resources",
            department_name="博乐市自然资源局",
            county="博乐市",
            state=state,
            handed_over_at=start,
            clocks=[] if state in ("approved", "refused") else [clock],
            version=version,
            **extra,  # type: ignore[arg-type]
        )

    def timed(step: str, write: LedgerWrite) -> None:
        before, began = statements[0], time.perf_counter()
        assert ledger.append(engine, write)
        times[step].append((time.perf_counter() - began) * 1000)
        counts[step].append(statements[0] - before)

    for n in range(cases):
        case_id = f"BZ-2026-{10000 + n:05d}"
        due = start + timedelta(days=2)
        timed(
            "开办",
            LedgerWrite(
                entry=entry(case_id, None, "开办"), case=case(case_id, "processing", 1, due)
            ),
        )
        for code in MATTERS:
            at = start + timedelta(hours=1)
            accepted = at + timedelta(hours=2)
            steps = [
                ("移交", matter(code, "handed_over", 1, at)),
                ("受理", matter(code, "accepted", 2, at, accepted_at=accepted)),
                (
                    "补正",
                    matter(
                        code,
                        "correction_requested",
                        3,
                        at,
                        accepted_at=accepted,
                        correction_count=1,
                    ),
                ),
                (
                    "补正材料",
                    matter(code, "accepted", 4, at, accepted_at=accepted, correction_count=1),
                ),
                (
                    "办结",
                    matter(
                        code,
                        "approved",
                        5,
                        at,
                        accepted_at=accepted,
                        correction_count=1,
                        decided_at=accepted + timedelta(days=3),
                    ),
                ),
            ]
            for step, row in steps:
                timed(step, LedgerWrite(entry=entry(case_id, code, step), matters=[row]))
        timed(
            "案件阶段",
            LedgerWrite(
                entry=entry(case_id, None, "案件阶段"),
                case=case(case_id, "delivery", 2, due + timedelta(days=5)),
            ),
        )
    return {
        step: {"ms": statistics.median(times[step]), "statements": statistics.median(counts[step])}
        for step in STEPS
    }


def _run_tree(tree: Path, database_url: str, cases: int) -> dict[str, dict[str, float]]:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", database_url, str(cases)],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", type=Path, required=True, help="the other checkout")
    parser.add_argument("--label", default="", help="what the other checkout is, for the report")
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import tempfile

    from bench.machine import publish
    from bench.postgres import available, cluster

    trees = {"this tree": HERE, "other": args.against.resolve()}
    results: dict[tuple[str, str], list[dict[str, dict[str, float]]]] = defaultdict(list)
    with ExitStack() as stack:
        running = None
        if "postgresql" in args.databases and available():
            running = stack.enter_context(cluster())
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for database in args.databases:
                for name in order:
                    if database == "postgresql":
                        if running is None:
                            continue
                        url = running.create_database(f"lw{round_}{name[0]}")
                    else:
                        url = f"sqlite:///{directory / f'{round_}-{name[0]}.db'}"
                    results[(database, name)].append(_run_tree(trees[name], url, args.cases))
                    print(f"round {round_ + 1} {database} {name} done", file=sys.stderr)

    lines = [
        "# One ledger write per step of a case's life, this tree against another",
        "",
        f"This tree against {args.label or args.against.name}, in one run: {args.rounds} rounds,"
        f" the trees alternated, each in its own process on a fresh database, {args.cases} cases"
        " of three matters each. Medians of each round's median ms per write; statements per"
        " write as counted by SQLAlchemy's cursor events.",
        "",
        "| database | step | other ms | this ms | this / other | other statements"
        " | this statements |",
        "|---|---|---|---|---|---|---|",
    ]
    for database in args.databases:
        if not results[(database, "this tree")]:
            continue
        for step in STEPS:
            other = statistics.median(r[step]["ms"] for r in results[(database, "other")])
            this = statistics.median(r[step]["ms"] for r in results[(database, "this tree")])
            before = results[(database, "other")][0][step]["statements"]
            after = results[(database, "this tree")][0][step]["statements"]
            lines.append(
                f"| {database} | {step} | {other:.2f} | {this:.2f} | {this / other:.2f}x"
                f" | {before:g} | {after:g} |"
            )
    lines.append("")
    publish("ledger_write", lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        sys.path.pop(0)  # this file's folder: the measured tree's packages come from PYTHONPATH
        print(json.dumps(measure(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
