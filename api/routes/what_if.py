"""政策推演 (what-if): a period of cases simulated under a changed policy on the real
workflows, for 州工信局 and coordinators; and the open deadlines a change would move.

A run is started as its own process (services/what_if.py) and read back as it goes; its
baseline is stated in the request or learned from the ledger of a period.
"""

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Response, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from api.auth.access import Planner
from api.deps import EngineDep, SettingsDep, TemporalDep
from api.document_io import BINARY
from api.errors import ERROR_RESPONSES
from api.idempotency import IdempotencyKey
from api.params import Limit, Offset
from api.schemas import Page
from domain.actors import Principal, Role
from domain.errors import NotFound
from ops.what_if import next_year_start
from services import what_if as service
from simulation import run as runs
from simulation.baseline import Baseline
from simulation.change import Change, calendar_for
from simulation.compare import Comparison
from simulation.open_cases import MovedDeadline, moved_deadlines

router = APIRouter(prefix="/what-if", tags=["what-if"], responses=ERROR_RESPONSES)
RunId = Annotated[str, PathParam(pattern=r"^[0-9A-Za-z\-]{6,40}$")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RunStatus = Literal["waiting", "running", "stopped", "interrupted", "done", "failed"]


class LearnPeriod(BaseModel):
    since: date = Field(description="学习区间开始（含）：此后受理的案件")
    until: date = Field(description="学习区间结束（不含）")


class WhatIfRequest(BaseModel):
    title: str | None = Field(None, max_length=200)
    change: Change
    baseline: Baseline | None = Field(None, description="给定的基线；与 learn 二选一")
    learn: LearnPeriod | None = Field(None, description="从台账学习基线的区间")
    start: date | None = Field(None, description="模拟期间的第一天；默认明年第一个周一")
    weeks: int = Field(52, ge=1, le=104)
    seeds: int = Field(3, ge=1, le=10, description="随机种子数：用于给出每个数字的置信区间")

    @model_validator(mode="after")
    def _one_baseline(self) -> "WhatIfRequest":
        if (self.baseline is None) == (self.learn is None):
            raise ValueError("请给出基线（baseline）或学习区间（learn），二者只能选一")
        return self


class RunSummary(BaseModel):
    run_id: str
    title: str
    status: RunStatus
    progress: float = Field(description="0–1")
    world: str = Field(description="正在运行的一轮：seed-1/change")
    worlds_done: int
    worlds: int
    cases_done: int
    cases: int
    created_at: str
    updated_at: str
    created_by: str
    error: str | None
    jurisdictions: list[str]

    @classmethod
    def of(cls, directory: Path, record: runs.RunRecord) -> "RunSummary":
        progress = record.progress
        return cls(
            run_id=record.run_id,
            title=record.title,
            status=service.status_of(directory, record),
            progress=round(progress.share, 4),
            world=progress.world,
            worlds_done=progress.worlds_done,
            worlds=progress.worlds or 2 * len(record.seeds),
            cases_done=progress.cases_done,
            cases=progress.cases,
            created_at=record.created_at.isoformat(),
            updated_at=record.updated_at.isoformat(),
            created_by=record.created_by,
            error=record.error,
            jurisdictions=sorted(service.jurisdictions_of(record)),
        )


class RunDetail(RunSummary):
    baseline: Baseline
    change: Change
    seeds: list[int]
    provisional_years: list[int] = Field(description="节假日未公布、按工作日推算的年份")
    comparison: Comparison | None = Field(None, description="全部完成后：基线与变更对照")


class OpenCasesRequest(BaseModel):
    change: Change


def _detail(directory: Path, record: runs.RunRecord) -> RunDetail:
    return RunDetail(
        **RunSummary.of(directory, record).model_dump(),
        baseline=record.baseline,
        change=record.change,
        seeds=record.seeds,
        provisional_years=runs.provisional_years(record),
        comparison=service.comparison_of(directory),
    )


@router.get("/runs", response_model=Page[RunSummary])
def list_runs(
    principal: Planner, settings: SettingsDep, offset: Offset = 0, limit: Limit = 20
) -> Page[RunSummary]:
    """The runs the caller may see (a coordinator: its jurisdiction's), newest first."""
    found = service.all_runs(settings.what_if_dir, principal)
    items = [RunSummary.of(d, r) for d, r in found[offset : offset + limit]]
    return Page(items=items, total=len(found), offset=offset, limit=limit)


@router.post("/runs", response_model=RunDetail, status_code=status.HTTP_201_CREATED)
def start_run(
    body: WhatIfRequest,
    principal: Planner,
    settings: SettingsDep,
    engine: EngineDep,
    response: Response,
    key: IdempotencyKey = None,
) -> RunDetail:
    """Start a run (one at a time): 201 and the run, which runs on in its own process.
    With an Idempotency-Key a repeat answers 200 with the first run."""
    start = body.start or next_year_start()
    if body.baseline is not None:
        baseline = body.baseline.model_copy(update={"start": str(start), "weeks": body.weeks})
    else:
        assert body.learn is not None
        baseline = service.learned_baseline(
            engine, principal, body.learn.since, body.learn.until, start, body.weeks
        )
    directory, started = service.start(
        settings.what_if_dir,
        principal,
        baseline,
        body.change,
        body.seeds,
        body.title,
        key,
        settings.database_url,
    )
    if not started:
        response.status_code = status.HTTP_200_OK
    return _detail(directory, runs.load(directory))


@router.get("/runs/{run_id}", response_model=RunDetail)
def get_run(run_id: RunId, principal: Planner, settings: SettingsDep) -> RunDetail:
    """A run's inputs, progress and, once done, baseline against change."""
    return _detail(*service.find(settings.what_if_dir, principal, run_id))


@router.post("/runs/{run_id}/stop", response_model=RunSummary, status_code=202)
def stop_run(run_id: RunId, principal: Planner, settings: SettingsDep) -> RunSummary:
    """Ask a running run to stop; what it finished is kept, and it can be resumed."""
    directory, record = service.find(settings.what_if_dir, principal, run_id)
    service.stop(directory, record)
    return RunSummary.of(directory, record)


@router.post("/runs/{run_id}/resume", response_model=RunSummary, status_code=202)
def resume_run(run_id: RunId, principal: Planner, settings: SettingsDep) -> RunSummary:
    """Resume a stopped or interrupted run from the first world it had not finished."""
    directory, record = service.find(settings.what_if_dir, principal, run_id)
    service.resume(directory, record, settings.database_url)
    return RunSummary.of(directory, runs.load(directory))


@router.get(
    "/runs/{run_id}/workbook",
    response_class=Response,
    responses={200: {"content": {XLSX: BINARY}, "description": "推演结果（XLSX）"}},
)
def workbook(run_id: RunId, principal: Planner, settings: SettingsDep) -> Response:
    """The finished run as XLSX: figures side by side, cycle times, critical paths,
    weekly load and the assumptions."""
    directory, record = service.find(settings.what_if_dir, principal, run_id)
    path = directory / "what-if.xlsx"
    if not path.exists():
        raise NotFound(f"推演{run_id}尚未完成，还没有结果表")
    return Response(
        path.read_bytes(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="what-if-{record.run_id}.xlsx"'},
    )


def _in_scope(principal: Principal, moved: MovedDeadline, cross_county: set[str]) -> bool:
    if principal.role is Role.OVERSIGHT:  # 州工信局 follows the cross-county cases
        return moved.case_id in cross_county
    return principal.jurisdiction is None or moved.case_id.startswith(f"{principal.jurisdiction}-")


@router.post("/open-cases", response_model=Page[MovedDeadline])
async def open_cases(
    body: OpenCasesRequest,
    principal: Planner,
    client: TemporalDep,
    engine: EngineDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Page[MovedDeadline]:
    """The open matters whose due date the change would move, nearest first, with the old
    and new dates. Read from each matter's own clock; nothing is signalled or written."""
    with tempfile.TemporaryDirectory() as scratch:
        calendar = await run_in_threadpool(calendar_for, body.change, Path(scratch))
        moved = await moved_deadlines(client, engine, body.change, calendar)
    crossing = await run_in_threadpool(
        service.cross_county_cases, engine, {m.case_id for m in moved}
    )
    visible = [m for m in moved if _in_scope(principal, m, crossing)]
    return Page(
        items=visible[offset : offset + limit], total=len(visible), offset=offset, limit=limit
    )
