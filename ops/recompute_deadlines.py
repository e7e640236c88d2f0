"""Recompute provisional deadlines once a year's holidays are published.

Run after adding ``policies/calendar/<year>.toml`` (and restarting nothing: the worker
reads new files on the next computation)::

    python -m ops.recompute_deadlines            # every open matter with a provisional deadline
    python -m ops.recompute_deadlines --dry-run  # list them only

Each matter's workflow asks the calendar again through its activity, so the new deadline is
recorded in its history and ledger like any other; matters already final are left alone. A
paused matter whose used days were counted in the unpublished year has them counted again.
Cases at evaluation are asked too: the feedback report's and a 差评 follow-up's due dates
(a case with nothing provisional ignores the signal).
"""

import argparse
import asyncio
import sys

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from domain.case import CaseStage
from logs import configure_logging
from settings import get_settings
from store.db import SchemaNotCurrent, engine_for, require_current_schema
from store.tables import CaseRow, MatterRow
from temporal_client import TemporalRefused, connect
from workflows.case import CaseWorkflow
from workflows.matter import MatterWorkflow

log = structlog.get_logger(__name__)
OPEN_STATES = ("accepted", "correction_requested")


def provisional_matters(engine: Engine) -> list[MatterRow]:
    with Session(engine) as session:
        query = select(MatterRow).where(
            MatterRow.deadline_provisional,
            col(MatterRow.state).in_(OPEN_STATES),
        )
        return list(session.exec(query.order_by(MatterRow.case_id, MatterRow.code)).all())


def evaluated_cases(engine: Engine) -> list[str]:
    """Open cases past their rating: a report or a follow-up may wait on a due date."""
    with Session(engine) as session:
        query = select(CaseRow.case_id).where(CaseRow.stage == CaseStage.EVALUATION.value)
        return list(session.exec(query.order_by(CaseRow.case_id)).all())


async def recompute(client: Client, engine: Engine, *, dry_run: bool = False, progress=None) -> int:
    """Signal every matter with a provisional deadline or day count, then every case at
    evaluation; the number of matters signalled."""
    matters = provisional_matters(engine)
    for number, row in enumerate(matters, start=1):
        workflow_id = f"{row.case_id}/{row.code}"
        if progress:
            progress(number, len(matters), f"{workflow_id} 期限{row.due_on}（暂定）")
        if not dry_run:
            await client.get_workflow_handle(workflow_id).signal(MatterWorkflow.recompute_deadline)
            log.info("deadline_recompute_requested", workflow_id=workflow_id, case_id=row.case_id)
    cases = evaluated_cases(engine)
    for number, case_id in enumerate(cases, start=1):
        if progress:
            progress(number, len(cases), f"{case_id} 评价反馈报告、差评整改期限")
        if not dry_run:
            await client.get_workflow_handle(case_id).signal(CaseWorkflow.recompute_deadlines)
            log.info("deadline_recompute_requested", workflow_id=case_id, case_id=case_id)
    return len(matters)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.recompute_deadlines")
    parser.add_argument("--dry-run", action="store_true", help="list, do not signal")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    engine = engine_for(settings)
    require_current_schema(engine)
    count = await recompute(
        await connect(settings),
        engine,
        dry_run=args.dry_run,
        progress=lambda n, total, what: print(f"[{n}/{total}] {what}", flush=True),
    )
    print(f"{count} 个事项的暂定期限{'待' if args.dry_run else '已请求'}重算")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main(sys.argv[1:])))
    except (TemporalRefused, SchemaNotCurrent) as refused:
        sys.exit(f"daiban: {refused}")
