"""Does the projection agree with Temporal? Compare each open case's row with its
workflow's typed search attributes: stage, counties, overdue.

Lists and statistics read the projection; visibility is written by the workflow itself.
A disagreement means one of them missed a write, and the oversight figures for that case
are wrong until ``python -m ops rebuild-projection`` puts the row right.
"""

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import Client

from store.oversight import counties_of
from store.projection import open_overdue_matter
from store.tables import CaseRow
from workflows.search_attributes import CASE_STAGE, COUNTIES, OVERDUE


class Drift(BaseModel):
    case_id: str
    attribute: str  # CaseStage, Counties or Overdue
    projection: str
    temporal: str


async def find_drift(client: Client, engine: Engine) -> list[Drift]:
    running = {
        execution.id: execution.typed_search_attributes
        async for execution in client.list_workflows(
            "WorkflowType = 'CaseWorkflow' AND ExecutionStatus = 'Running'"
        )
    }
    if not running:
        return []
    ids = list(running)
    with Session(engine) as session:
        rows = {
            row.case_id: (row, overdue)
            for row, overdue in session.exec(
                select(CaseRow, open_overdue_matter().label("overdue")).where(
                    col(CaseRow.case_id).in_(ids)
                )
            ).all()
        }
    counties = counties_of(engine, ids)
    found: list[Drift] = []
    for case_id, attributes in sorted(running.items()):
        if case_id not in rows:
            found.append(Drift(case_id=case_id, attribute="*", projection="无", temporal="运行中"))
            continue
        row, overdue = rows[case_id]
        compared = [
            (CASE_STAGE.name, row.stage, attributes.get(CASE_STAGE)),
            (
                COUNTIES.name,
                sorted(counties.get(case_id, [])),
                sorted(attributes.get(COUNTIES) or []),
            ),
            (OVERDUE.name, bool(overdue), bool(attributes.get(OVERDUE))),
        ]
        found += [
            Drift(case_id=case_id, attribute=name, projection=str(ours), temporal=str(theirs))
            for name, ours, theirs in compared
            if theirs is not None and ours != theirs
        ]
    return found
