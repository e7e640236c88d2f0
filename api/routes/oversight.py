"""The 州工信局 special team's view of cross-county cases: lists, counts, one case's
timeline across counties, summary statistics, and the drift check against Temporal.

Read-only, and served from the SQL projection (indexes on county, stage and opening date),
so it never waits on a workflow.
"""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, computed_field

from api.auth.access import OversightReader
from api.deps import EngineDep, TemporalDep
from api.errors import ERROR_RESPONSES
from api.params import CaseId, Limit, Offset
from api.schemas import IsoDate, Page
from domain.actions import Satisfaction
from domain.actors import Role
from domain.case import STAGE_NAMES, CaseStage
from domain.errors import InvalidInput, NotFound
from domain.follow_up import BAD_RATINGS
from domain.ledger import LedgerEvent
from domain.statistics import CycleTime, MonthFigures, by_month, cycle_times
from ops.drift import Drift, find_drift
from policies.counties import county_codes, county_named
from store import ledger, oversight, projection
from store.oversight import OversightFilter

router = APIRouter(prefix="/oversight", tags=["oversight"], responses=ERROR_RESPONSES)
County = Annotated[
    str | None,
    Query(max_length=40, examples=["精河县"], description="县市名称（精河县）或编码（jinghe）"),
]


def case_filter(
    county: County = None,
    park: Annotated[str | None, Query(max_length=60)] = None,
    stage: CaseStage | None = None,
    overdue: Annotated[bool | None, Query(description="有超期未办结的事项")] = None,
    pending_coordination: Annotated[
        bool | None, Query(description="有尚未协调或决议未办结的问题")
    ] = None,
    opened_from: Annotated[IsoDate | None, Query(description="委托日期起（含）")] = None,
    opened_to: Annotated[IsoDate | None, Query(description="委托日期止（含）")] = None,
) -> OversightFilter:
    if county is not None:
        named = county_named(county)
        if named is None:  # a silent 0 would read as "nothing happened there"
            known = "、".join(f"{name}（{code}）" for code, name in sorted(county_codes().items()))
            raise InvalidInput("county", f"未知的县市：{county}；可用名称或编码：{known}")
        county = named
    return OversightFilter(
        county=county,
        park=park,
        stage=stage.value if stage else None,
        overdue=overdue,
        pending_coordination=pending_coordination,
        opened_from=opened_from,
        opened_to=opened_to,
    )


Filter = Annotated[OversightFilter, Depends(case_filter)]


class OversightCase(BaseModel):
    case_id: str
    park: str
    county: str
    counties: list[str]
    lead_committee: str | None
    enterprise_name: str
    project_name: str
    stage: CaseStage
    opened_at: datetime
    closed_at: datetime | None
    open_problems: int
    overdue_matters: int
    satisfaction: str | None

    @computed_field
    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]


class CaseCount(BaseModel):
    total: int


@router.get("/cases", response_model=Page[OversightCase])
def list_cross_county_cases(
    where: Filter, engine: EngineDep, reader: OversightReader, offset: Offset = 0, limit: Limit = 50
) -> Page[OversightCase]:
    """Cross-county cases, newest first, filtered by county, park, stage, overdue, pending
    coordination and the opening date."""
    rows, total = oversight.list_cases(engine, where, offset=offset, limit=limit)
    ids = [row.case_id for row in rows]
    counties, overdue = oversight.counties_of(engine, ids), oversight.overdue_counts(engine, ids)
    items = [
        OversightCase.model_validate(
            {
                **row.model_dump(),
                "counties": counties.get(row.case_id, []),
                "overdue_matters": overdue.get(row.case_id, 0),
            }
        )
        for row in rows
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


@router.get("/cases/count", response_model=CaseCount)
def count_cross_county_cases(
    where: Filter, engine: EngineDep, reader: OversightReader
) -> CaseCount:
    """How many cross-county cases match, with the same filters as the list."""
    return CaseCount(total=oversight.case_total(engine, where))


class TimelineEntry(BaseModel):
    occurred_at: datetime
    county: str = Field(description="where it happened: the matter's county, else the park's")
    event: LedgerEvent
    matter: str | None
    actor_id: str
    actor_role: Role
    summary: str


@router.get("/cases/{case_id}/timeline", response_model=Page[TimelineEntry])
def case_timeline(
    case_id: CaseId,
    engine: EngineDep,
    reader: OversightReader,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> Page[TimelineEntry]:
    """One cross-county case's ledger in order, each entry placed in its county."""
    case = projection.case_row(engine, case_id)
    if case is None or not case.cross_county:
        raise NotFound(f"跨县市案件{case_id}不存在")
    county_of = {m.code: m.county for m in projection.matter_rows(engine, case_id)}
    entries, total = ledger.entries(engine, case_id, offset=offset, limit=limit)
    items = [
        TimelineEntry(
            occurred_at=e.occurred_at,
            county=county_of.get(e.matter or "", "") or case.county,
            event=e.event,
            matter=e.matter,
            actor_id=e.actor.id,
            actor_role=e.actor.role,
            summary=e.summary,
        )
        for e in entries
    ]
    return Page(items=items, total=total, offset=offset, limit=limit)


class StageCountyCount(BaseModel):
    county: str
    stage: CaseStage
    cases: int


class SatisfactionSummary(BaseModel):
    evaluated: int
    by_level: dict[Satisfaction, int]
    satisfied_share: float | None = Field(description="满意（含非常满意、基本满意）的占比")


class OversightStatistics(BaseModel):
    cases: int
    by_county_and_stage: list[StageCountyCount] = Field(
        description="a case counts in every county it works in"
    )
    cycle_time_by_matter: list[CycleTime]
    cycle_time_by_department: list[CycleTime]
    matters: int
    clocked_matters: int = Field(description="matters accepted, so with a statutory clock")
    overdue_matters: int = Field(description="clocked matters that went past their deadline")
    overdue_rate: float | None
    corrections: int
    corrections_per_matter: float | None
    satisfaction: SatisfactionSummary
    by_month: list[MonthFigures] = Field(
        description="按月：受理事项的超期率（按受理月份），办结事项的办理用时中位数（按办结月份）"
    )


@router.get("/statistics", response_model=OversightStatistics)
def statistics(where: Filter, engine: EngineDep, reader: OversightReader) -> OversightStatistics:
    """Cases by county and stage, cycle times (median and nearest-rank p90, in days from
    hand-over to decision) per matter and department, the overdue rate, corrections and
    satisfaction, over the cross-county cases the filters select."""
    found = oversight.figures(engine, where)
    levels = found.satisfaction
    evaluated = sum(levels.values())
    satisfied = sum(n for level, n in levels.items() if Satisfaction(level) not in BAD_RATINGS)
    return OversightStatistics(
        cases=found.cases,
        by_county_and_stage=[
            StageCountyCount(county=county, stage=CaseStage(stage), cases=n)
            for county, stage, n in found.by_county_and_stage
        ],
        cycle_time_by_matter=cycle_times(found.by_matter, found.matter_names),
        cycle_time_by_department=cycle_times(found.by_department, found.department_names),
        matters=found.matters,
        clocked_matters=found.clocked,
        overdue_matters=found.overdue,
        overdue_rate=round(found.overdue / found.clocked, 4) if found.clocked else None,
        corrections=found.corrections,
        corrections_per_matter=(
            round(found.corrections / found.matters, 4) if found.matters else None
        ),
        satisfaction=SatisfactionSummary(
            evaluated=evaluated,
            by_level={Satisfaction(level): n for level, n in levels.items()},
            satisfied_share=round(satisfied / evaluated, 4) if evaluated else None,
        ),
        by_month=by_month(found.accepted_by_month, found.decided_by_month),
    )


@router.get("/drift", response_model=list[Drift])
async def drift(client: TemporalDep, engine: EngineDep, reader: OversightReader) -> list[Drift]:
    """Open cases where the projection and Temporal's search attributes (stage, counties,
    overdue) disagree: the lists above would be wrong for them. Empty when all agree."""
    return await find_drift(client, engine)
