"""Fill the work lists for open cases whose clocks predate them (revision 0012).

The work list is written with each ledger write; a case that has not moved since it was
upgraded has no rows yet. This reads each such case's state from its workflow (a query:
needs a worker) and writes its running clocks, as the next ledger write would. It changes
no workflow and writes no ledger entry: the work list is a read model. Run it again at
will: cases that already have rows are skipped.

    python -m ops backfill-work-items
"""

from collections.abc import Callable

import structlog
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from domain.case import CaseStage
from domain.ledger import CaseSummary, MatterRowData
from store import work
from store.db import session_scope
from store.tables import CaseRow, WorkItemRow
from workflows.case import CaseWorkflow

log = structlog.get_logger(__name__)
CLOSED = [stage.value for stage in CaseStage if stage.is_closed]


def cases_without_work_items(engine: Engine) -> list[str]:
    with Session(engine) as session:
        listed = select(WorkItemRow.case_id)
        query = select(CaseRow.case_id).where(
            col(CaseRow.stage).not_in(CLOSED), col(CaseRow.case_id).not_in(listed)
        )
        return list(session.exec(query.order_by(CaseRow.case_id)).all())


async def backfill(
    client: Client, engine: Engine, progress: Callable[[int, int, str], None] | None = None
) -> int:
    """The number of cases given their work items (some may have no running clock)."""
    cases = cases_without_work_items(engine)
    for number, case_id in enumerate(cases, start=1):
        if progress:
            progress(number, len(cases), case_id)
        status = await client.get_workflow_handle(case_id).query(CaseWorkflow.status)
        with session_scope(engine) as session:
            work.write_case(session, CaseSummary.of(status, case_id))
            for matter in status.matters:
                work.write_matter(session, case_id, MatterRowData.of(matter))
        log.info("work_items_backfilled", case_id=case_id, workflow_id=case_id)
    return len(cases)
