"""The special team's view over a generated set of cases: filters, counts and statistics
checked against values computed here from the generated data, and the tracking table
exported and read back."""

import csv
import io
import math
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import openpyxl
import pytest
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from domain.ledger import CaseSummary, MatterRowData
from settings import Settings
from store import tally
from store.db import session_scope
from store.projection import upsert_case, upsert_matter
from tests.support.identities import api_client, coordinator, oversight

OVERSIGHT = oversight()
# Cycle times are counted in tenths of a day, each matter's rounded first (so the kept
# tallies and the live query agree exactly): a median may move by up to 0.05 day from the
# median of the exact spans, and the answer is rounded to 0.01 again.
CYCLE_TOLERANCE = 0.056
DEPARTMENTS = {
    "jinghe-natural-resources": ("精河县自然资源局", "精河县"),
    "jinghe-housing-construction": ("精河县住房和城乡建设局", "精河县"),
    "bole-market-regulation": ("博乐市市场监督管理局", "博乐市"),
    "alashankou-water-resources": ("阿拉山口市水利局", "阿拉山口市"),
}
MATTERS = {
    "land-preexamination": "建设项目用地预审与选址意见书",
    "construction-permit": "建筑工程施工许可证核发",
    "enterprise-registration": "企业设立登记",
}
STAGES = ["planning", "processing", "delivery", "evaluation", "archived"]
LEVELS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
OPEN_STATES = ("handed_over", "accepted", "correction_requested")


@dataclass
class Matter:
    code: str
    department: str
    state: str
    handed_over_at: datetime
    accepted_at: datetime | None
    decided_at: datetime | None
    overdue: bool
    corrections: int


@dataclass
class Case:
    case_id: str
    park: str
    cross_county: bool
    stage: str
    opened_at: datetime
    open_problems: int
    satisfaction: str | None
    matters: list[Matter] = field(default_factory=list)

    @property
    def counties(self) -> list[str]:
        home = "博乐市"
        return [home, *sorted({DEPARTMENTS[m.department][1] for m in self.matters} - {home})]


def generate(seed: int = 7, n: int = 80) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for number in range(1, n + 1):
        opened = datetime(2026, 9, 1, 2, tzinfo=UTC) + timedelta(hours=rng.randrange(0, 80 * 24))
        cross = rng.random() < 0.7
        case = Case(
            case_id=f"BZ-2026-{number:05d}",
            park="bole-wutai" if cross else "bole-jinsanjiao",
            cross_county=cross,
            stage=rng.choice(STAGES),
            opened_at=opened,
            open_problems=rng.choice([0, 0, 0, 1, 2]),
            satisfaction=rng.choice([None, *LEVELS]),
        )
        for code in rng.sample(list(MATTERS), rng.randint(1, 3)):
            department = rng.choice(list(DEPARTMENTS) if cross else ["bole-market-regulation"])
            handed = opened + timedelta(hours=rng.randrange(1, 72))
            state = rng.choice(["approved", "refused", *OPEN_STATES])
            accepted = handed + timedelta(hours=rng.randrange(1, 48))
            decided = accepted + timedelta(hours=rng.randrange(1, 900))
            case.matters.append(
                Matter(
                    code=code,
                    department=department,
                    state=state,
                    handed_over_at=handed,
                    accepted_at=None if state == "handed_over" else accepted,
                    decided_at=decided if state in ("approved", "refused") else None,
                    overdue=state != "handed_over" and rng.random() < 0.25,
                    corrections=rng.choice([0, 0, 1, 2]),
                )
            )
        cases.append(case)
    return cases


def load(engine: Engine, cases: list[Case]) -> None:
    """Rows written straight to the projection, as a restore would: the statistics' tallies
    are then rebuilt from them, as ``python -m ops rebuild-tallies`` does."""
    _write(engine, cases)
    tally.rebuild(engine)


def _write(engine: Engine, cases: list[Case]) -> None:
    with session_scope(engine) as session:
        for case in cases:
            upsert_case(
                session,
                CaseSummary(
                    case_id=case.case_id,
                    workflow_id=case.case_id,
                    jurisdiction="BZ",
                    park=case.park,
                    enterprise_name=f"企业{case.case_id[-3:]}",
                    uscc="91350100M000100Y43",
                    project_name="项目",
                    stage=case.stage,
                    agent_name="王五",
                    opened_at=case.opened_at,
                    entrustment_end=date(2027, 6, 30),
                    county="博乐市",
                    lead_committee="博乐边境经济合作区管委会" if case.cross_county else None,
                    cross_county=case.cross_county,
                    open_problems=case.open_problems,
                    satisfaction=case.satisfaction,
                    counties=case.counties,
                    version=1,
                ),
            )
            for matter in case.matters:
                name, county = DEPARTMENTS[matter.department]
                upsert_matter(
                    session,
                    case.case_id,
                    MatterRowData(
                        code=matter.code,
                        name=MATTERS[matter.code],
                        department=matter.department,
                        department_name=name,
                        state=matter.state,
                        handed_over_at=matter.handed_over_at,
                        accepted_at=matter.accepted_at,
                        decided_at=matter.decided_at,
                        overdue=matter.overdue,
                        correction_count=matter.corrections,
                        county=county,
                        cross_county=county != "博乐市",
                        version=1,
                    ),
                )


@pytest.fixture
def cases(engine: Engine) -> list[Case]:
    generated = generate()
    load(engine, generated)
    return generated


@pytest.fixture
async def api(engine: Engine, database_url: str) -> httpx.AsyncClient:
    async with api_client(Settings(database_url=database_url), object(), engine) as http:
        yield http


def _day(moment: datetime) -> date:
    return (moment + timedelta(hours=8)).date()  # Asia/Shanghai has no daylight saving


def _overdue(case: Case) -> bool:
    return any(m.overdue and m.state in OPEN_STATES for m in case.matters)


FILTERS = [
    ({}, lambda c: True),
    ({"county": "精河县"}, lambda c: "精河县" in c.counties),
    ({"county": "阿拉山口市"}, lambda c: "阿拉山口市" in c.counties),
    ({"stage": "processing"}, lambda c: c.stage == "processing"),
    ({"overdue": "true"}, _overdue),
    ({"overdue": "false"}, lambda c: not _overdue(c)),
    ({"pending_coordination": "true"}, lambda c: c.open_problems > 0),
    (
        {"opened_from": "2026-10-01", "opened_to": "2026-10-31"},
        lambda c: date(2026, 10, 1) <= _day(c.opened_at) <= date(2026, 10, 31),
    ),
    (
        {"county": "精河县", "stage": "archived", "pending_coordination": "false"},
        lambda c: "精河县" in c.counties and c.stage == "archived" and not c.open_problems,
    ),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
async def test_the_filters_select_exactly_the_matching_cross_county_cases(
    api: httpx.AsyncClient, cases: list[Case], params: dict, expected
) -> None:
    wanted = sorted(c.case_id for c in cases if c.cross_county and expected(c))
    listed = (
        await api.get("/oversight/cases", params={**params, "limit": 200}, headers=OVERSIGHT)
    ).json()
    assert sorted(item["case_id"] for item in listed["items"]) == wanted
    assert listed["total"] == len(wanted)
    counted = await api.get("/oversight/cases/count", params=params, headers=OVERSIGHT)
    assert counted.json() == {"total": len(wanted)}
    opened = [item["opened_at"] for item in listed["items"]]
    assert opened == sorted(opened, reverse=True)


async def test_a_listed_case_carries_its_counties_and_open_overdue_matters(
    api: httpx.AsyncClient, cases: list[Case]
) -> None:
    listed = (await api.get("/oversight/cases", params={"limit": 200}, headers=OVERSIGHT)).json()
    by_id = {c.case_id: c for c in cases}
    for item in listed["items"]:
        case = by_id[item["case_id"]]
        assert sorted(item["counties"]) == sorted(case.counties)
        assert item["overdue_matters"] == sum(
            m.overdue and m.state in OPEN_STATES for m in case.matters
        )
        assert item["lead_committee"] == "博乐边境经济合作区管委会"


def _nearest_rank_p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) * 9 / 10) - 1]


@pytest.mark.parametrize("params", [{}, {"county": "精河县"}, {"stage": "archived"}])
async def test_the_statistics_match_values_computed_from_the_generated_cases(
    api: httpx.AsyncClient, cases: list[Case], params: dict
) -> None:
    selected = [
        c
        for c in cases
        if c.cross_county
        and ("county" not in params or params["county"] in c.counties)
        and ("stage" not in params or params["stage"] == c.stage)
    ]
    got = (await api.get("/oversight/statistics", params=params, headers=OVERSIGHT)).json()
    assert got["cases"] == len(selected)

    by_county_stage: dict[tuple[str, str], int] = {}
    for case in selected:
        for county in case.counties:
            by_county_stage[(county, case.stage)] = by_county_stage.get((county, case.stage), 0) + 1
    assert {(r["county"], r["stage"]): r["cases"] for r in got["by_county_and_stage"]} == (
        by_county_stage
    )

    matters = [m for c in selected for m in c.matters]
    days_by_department: dict[str, list[float]] = {}
    days_by_matter: dict[str, list[float]] = {}
    for m in matters:
        if m.state in ("approved", "refused"):
            days = (m.decided_at - m.handed_over_at).total_seconds() / 86400
            days_by_department.setdefault(m.department, []).append(days)
            days_by_matter.setdefault(m.code, []).append(days)
    for rows, samples in (
        (got["cycle_time_by_department"], days_by_department),
        (got["cycle_time_by_matter"], days_by_matter),
    ):
        assert {r["key"] for r in rows} == set(samples)
        for row in rows:
            values = samples[row["key"]]
            assert row["decided"] == len(values)
            assert row["median_days"] == pytest.approx(
                statistics.median(values), abs=CYCLE_TOLERANCE
            )
            assert row["p90_days"] == pytest.approx(_nearest_rank_p90(values), abs=CYCLE_TOLERANCE)

    clocked = [m for m in matters if m.accepted_at is not None]
    assert got["matters"] == len(matters)
    assert got["clocked_matters"] == len(clocked)
    assert got["overdue_matters"] == sum(m.overdue for m in clocked)
    assert got["overdue_rate"] == pytest.approx(
        sum(m.overdue for m in clocked) / len(clocked), abs=1e-4
    )
    assert got["corrections"] == sum(m.corrections for m in matters)

    # By month in Beijing time: accepted (and overdue) by the month of acceptance, cycle
    # times by the month of decision; the same figures worked out here from the cases.
    def month(moment: datetime) -> str:
        return moment.astimezone(BUSINESS_ZONE).strftime("%Y-%m")

    expected: dict[str, dict] = {}
    for m in clocked:
        row = expected.setdefault(month(m.accepted_at), {"late": [], "days": []})
        row["late"].append(m.overdue)
    for m in matters:
        if m.state in ("approved", "refused"):
            row = expected.setdefault(month(m.decided_at), {"late": [], "days": []})
            row["days"].append((m.decided_at - m.handed_over_at).total_seconds() / 86400)
    assert [f["month"] for f in got["by_month"]] == sorted(expected)
    for figures in got["by_month"]:
        row = expected[figures["month"]]
        assert (figures["accepted"], figures["overdue"]) == (len(row["late"]), sum(row["late"]))
        assert figures["decided"] == len(row["days"])
        if row["days"]:
            median = statistics.median(row["days"])
            assert figures["median_days"] == pytest.approx(median, abs=CYCLE_TOLERANCE)

    rated = [c.satisfaction for c in selected if c.satisfaction]
    assert got["satisfaction"]["evaluated"] == len(rated)
    assert got["satisfaction"]["by_level"] == {lv: rated.count(lv) for lv in set(rated)}
    good = sum(level in ("非常满意", "满意", "基本满意") for level in rated)
    assert got["satisfaction"]["satisfied_share"] == pytest.approx(good / len(rated), abs=1e-4)


async def test_the_tracking_table_exports_as_xlsx_and_csv_and_reads_back(
    api: httpx.AsyncClient, cases: list[Case]
) -> None:
    header = [
        "案件编号",
        "委托人",
        "委托事项",
        "委托时间",
        "委托期限",
        "承办人",
        "办理进程",
        "回访结果",
    ]
    wanted = sorted(cases, key=lambda c: (c.opened_at, c.case_id))

    agent = coordinator("BZ")
    xlsx = await api.get("/tracking-table", params={"format": "xlsx"}, headers=agent)
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == header
    assert [row[0] for row in table[1:]] == [c.case_id for c in wanted]

    text = (await api.get("/tracking-table", params={"format": "csv"}, headers=agent)).content
    text = text.decode("utf-8-sig")
    read = list(csv.reader(io.StringIO(text)))
    assert read == [[cell or "" for cell in row] for row in table]

    first, row = wanted[0], read[1]
    assert row[1] == f"企业{first.case_id[-3:]}"
    assert row[2] == "、".join(
        MATTERS[m.code] for m in sorted(first.matters, key=lambda m: m.handed_over_at)
    )
    assert row[3] == _day(first.opened_at).isoformat()
    assert row[4] == f"{_day(first.opened_at).isoformat()}至2027-06-30"
    assert row[5] == "王五"
    done = sum(m.state in ("approved", "refused") for m in first.matters)
    assert row[6].endswith(f"（已办结{done}/{len(first.matters)}项）")
    expected_visit = {None: "", "不满意": "不满意", "非常不满意": "不满意"}.get(
        first.satisfaction, "满意"
    )
    assert row[7] == expected_visit

    cross = await api.get(
        "/tracking-table", params={"format": "csv", "cross_county": "true"}, headers=agent
    )
    cross_rows = list(csv.reader(io.StringIO(cross.content.decode("utf-8-sig"))))[1:]
    assert [r[0] for r in cross_rows] == [c.case_id for c in wanted if c.cross_county]
    # The 州工信局 team exports the cross-county cases only, whatever it asks for.
    theirs = await api.get("/tracking-table", params={"format": "csv"}, headers=OVERSIGHT)
    assert theirs.content == cross.content
    assert (await api.get("/tracking-table")).status_code == 403  # ops: not an exporter


async def test_a_local_case_has_no_oversight_timeline(
    api: httpx.AsyncClient, cases: list[Case]
) -> None:
    local = next(c for c in cases if not c.cross_county)
    response = await api.get(f"/oversight/cases/{local.case_id}/timeline", headers=OVERSIGHT)
    assert response.status_code == 404
    assert "跨县市案件" in response.json()["error"]["message"]
