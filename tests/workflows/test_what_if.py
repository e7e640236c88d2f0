"""What-if on the real workflows: outcomes a person can compute by hand, the same seed
giving the same figures, and a baseline learned from a ledger reproducing its cycle times.

Each world starts its own time-skipping server (its clock skipped forward to 2027) and
writes its own SQLite ledger under tmp_path.
"""

import asyncio
import statistics
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from domain.clock import BUSINESS_ZONE
from simulation import run as runs
from simulation.baseline import (
    Arrivals,
    Baseline,
    CorrectionHabits,
    DepartmentHabits,
    Duration,
    MatterSet,
)
from simulation.change import NO_CHANGE, Change
from simulation.learning import learn
from simulation.ledger_facts import read_facts
from store.db import make_engine

PERMIT = "construction-planning-permit"  # 20 working days by statute, at 自然资源局
NATURAL_RESOURCES = "bole-natural-resources"


def permit_year(decide_days: float, weeks: int = 2, per_week: float = 3.0) -> Baseline:
    """Planning permits only, each decided ``decide_days`` working days after 受理, no
    补正; the report filed 5 working days after the rating (on its last day)."""
    return Baseline(
        source="测试",
        start="2027-03-01",
        weeks=weeks,
        arrivals=[
            Arrivals(
                jurisdiction="BZ",
                park="bole-jinsanjiao",
                per_week=per_week,
                matter_sets=[MatterSet(matters=[PERMIT])],
            )
        ],
        review=Duration.fixed(0.2),
        plan=Duration.fixed(0.2),
        departments={
            NATURAL_RESOURCES: DepartmentHabits(
                accept=Duration.fixed(0.1), decide=Duration.fixed(decide_days)
            )
        },
        report=Duration.fixed(5),
    )


async def test_a_promise_of_10_days_turns_15_day_permits_overdue_and_more_staff_puts_them_right(
    tmp_path: Path,
) -> None:
    """By hand: a permit decided 15.1 working days after hand-over is within the statute's
    20 days and past a promise of 10; with twice the staff it takes 7.6 and is within 10."""
    promise = {"packs": {"BZ": {"matters": {PERMIT: {"promised_days": 10}}}}}
    baseline = permit_year(decide_days=15)
    at_statute = await runs.run_arm(baseline, NO_CHANGE, 1, tmp_path / "statute")
    promised = Change(name="承诺10个工作日", **promise)
    at_promise = await runs.run_arm(baseline, promised, 1, tmp_path / "promise")
    staffed = Change(name="承诺10日且人员加倍", staffing={NATURAL_RESOURCES: 2.0}, **promise)
    doubled = await runs.run_arm(baseline, staffed, 1, tmp_path / "staffed")

    cases = at_statute.cases
    assert cases >= 3 and at_statute.cases_finished == cases
    assert (at_statute.matters_overdue, at_promise.matters_overdue, doubled.matters_overdue) == (
        0,
        cases,
        0,
    )
    assert at_promise.cases_overdue == cases
    # every report filed on its fifth working day: due that day, so at risk, not overdue
    assert at_statute.reports_due == at_statute.reports_at_risk == cases
    assert at_statute.reports_overdue == 0
    permit = at_statute.cycle("matter", PERMIT)
    faster = doubled.cycle("matter", PERMIT)
    assert permit is not None and faster is not None
    assert 21 <= permit.median_days <= 23  # 15.1 working days span three weekends
    assert faster.median_days < permit.median_days / 1.7


async def test_the_same_seed_gives_the_same_figures(tmp_path: Path) -> None:
    baseline = permit_year(decide_days=8).model_copy(
        update={"any_matter": CorrectionHabits(rounds={0: 0.5, 1: 0.5})}
    )
    first = await runs.run_arm(baseline, NO_CHANGE, 7, tmp_path / "first")
    again = await runs.run_arm(baseline, NO_CHANGE, 7, tmp_path / "again")
    other = await runs.run_arm(baseline, NO_CHANGE, 8, tmp_path / "other")
    assert first.corrections > 0
    assert first.model_dump() == again.model_dump()
    assert first.last_decided.keys() != other.last_decided.keys() or first != other


async def test_a_learned_baseline_reproduces_the_ledger_cycle_times(tmp_path: Path) -> None:
    """A ledger written by one simulated period, learned and played again with another seed:
    each matter's median days from hand-over to decision within 1 day (acts land on the
    half hour, and the second draw of arrivals falls on other weekdays)."""
    stated = Baseline(
        source="测试",
        start="2027-03-01",
        weeks=4,
        arrivals=[
            Arrivals(
                jurisdiction="BZ",
                park="bole-jinsanjiao",
                per_week=3,
                matter_sets=[MatterSet(matters=["enterprise-registration", "land-preexamination"])],
            )
        ],
        departments={
            "bole-market-regulation": DepartmentHabits(
                accept=Duration.fixed(0.2), decide=Duration.fixed(2)
            ),
            NATURAL_RESOURCES: DepartmentHabits(
                accept=Duration.fixed(0.5), decide=Duration.fixed(9)
            ),
        },
    )
    original = await runs.run_arm(stated, NO_CHANGE, 1, tmp_path / "original")
    engine = make_engine(f"sqlite:///{tmp_path / 'original' / 'ledger.sqlite'}")
    # the period the cases arrived in: four weeks from 2027-03-01 09:00 (an arrival lands
    # on the next half hour, so the last may come just after)
    since = datetime(2027, 3, 1, 9, tzinfo=BUSINESS_ZONE)
    until = since + timedelta(weeks=4, hours=1)
    learned = learn(read_facts(engine, since, until), since, until, "2027-03-01", weeks=4)
    assert learned.departments[NATURAL_RESOURCES].decide.typical() == pytest.approx(9, abs=0.05)
    weeks = (until - since) / timedelta(weeks=1)
    assert learned.arrivals[0].per_week * weeks == pytest.approx(original.cases, abs=0.01)
    replayed = await runs.run_arm(learned, NO_CHANGE, 2, tmp_path / "replayed")
    for code in ("enterprise-registration", "land-preexamination"):
        before, after = original.cycle("matter", code), replayed.cycle("matter", code)
        assert before is not None and after is not None
        assert after.median_days == pytest.approx(before.median_days, abs=1.0), code


async def test_matters_accepted_with_items_missing_are_supplied_confirmed_and_learned(
    tmp_path: Path,
) -> None:
    """容缺受理 for every permit, decided a working day on: the item supplied a day later,
    confirmed half a day after that, and only then the held result issued and the case
    delivered; none lapses; the ledger teaches back the share, supply and check times."""
    baseline = permit_year(decide_days=1).model_copy(
        update={"deferral_share": 1.0, "supply": Duration.fixed(2)}
    )
    outcome = await runs.run_arm(baseline, NO_CHANGE, 1, tmp_path / "deferred")
    assert outcome.cases >= 3 and outcome.cases_finished == outcome.cases
    assert outcome.matters_overdue == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'deferred' / 'ledger.sqlite'}")
    since = datetime(2027, 3, 1, 9, tzinfo=BUSINESS_ZONE)
    until = since + timedelta(weeks=2, hours=1)
    facts = read_facts(engine, since, until)
    matters = [m for case in facts for m in case.matters.values()]
    assert len(matters) == outcome.cases
    assert all(m.deferred and m.supplied_at and m.confirmed_at and m.decided_at for m in matters)
    assert all(m.decided_at and m.supplied_at and m.decided_at < m.supplied_at for m in matters)
    learned = learn(facts, since, until, "2027-03-01", weeks=2)
    assert learned.deferral_share == 1.0
    assert learned.supply.typical() == pytest.approx(2, abs=0.05)
    confirm = learned.departments[NATURAL_RESOURCES].confirm
    assert confirm.typical() == pytest.approx(0.5, abs=0.05)

    # where the pack forbids 容缺 for the matter, the department accepts it whole
    forbidden = Change(
        name="不适用容缺", packs={"BZ": {"matters": {PERMIT: {"deferral_allowed": False}}}}
    )
    whole = await runs.run_arm(baseline, forbidden, 1, tmp_path / "whole")
    assert whole.cases == outcome.cases == whole.cases_finished
    ledger = make_engine(f"sqlite:///{tmp_path / 'whole' / 'ledger.sqlite'}")
    kept = [m for case in read_facts(ledger, since, until) for m in case.matters.values()]
    assert kept and not any(m.deferred or m.supplied_at for m in kept)


async def test_a_bundle_patched_to_one_more_matter_gives_each_case_that_matter(
    tmp_path: Path,
) -> None:
    """包头's 纳税一件事 patched to take 公章刻制备案 as well: every case that entrusts the
    bundle (with 企业登记, which the seal waits for) gets one matter more, decided, and the
    cases are the same ones (common random numbers)."""
    baseline = Baseline(
        source="测试",
        start="2027-03-01",
        weeks=1,
        arrivals=[
            Arrivals(
                jurisdiction="BT",
                park="baotou-aluminium",
                per_week=3,
                matter_sets=[
                    MatterSet(matters=["enterprise-registration"], bundles=["tax-affairs"])
                ],
            )
        ],
    )
    wider = Change(
        name="纳税一件事含公章刻制",
        packs={
            "BT": {
                "bundles": {
                    "tax-affairs": {
                        "matters": ["tax-information", "invoice-issuance", "seal-engraving"]
                    }
                }
            }
        },
    )
    before = await runs.run_arm(baseline, NO_CHANGE, 1, tmp_path / "before")
    after = await runs.run_arm(baseline, wider, 1, tmp_path / "after")
    assert before.cases == after.cases >= 1
    assert before.cases_finished == before.cases and after.cases_finished == after.cases
    assert after.matters == before.matters + after.cases
    assert before.cycle("matter", "seal-engraving") is None
    assert after.cycle("matter", "seal-engraving") is not None


async def test_a_run_compares_two_arms_over_seeds_stops_and_resumes(tmp_path: Path) -> None:
    baseline = permit_year(decide_days=15, weeks=1, per_week=4)
    change = Change(
        name="承诺10个工作日", packs={"BZ": {"matters": {PERMIT: {"promised_days": 10}}}}
    )
    directory = runs.new_run(tmp_path, baseline, change, seeds=[1, 2], created_by="li.si")
    running = asyncio.create_task(runs.execute(directory))
    first = directory / "seed-1" / "baseline" / "outcome.json"
    while not first.exists():
        assert not running.done(), running  # it ended before its first world did
        await asyncio.sleep(0.02)
    (directory / "stop").touch()  # as the page's 停止 does: the next world stops mid-way
    with pytest.raises(runs.Stopped):
        await running
    stopped = runs.load(directory)
    assert stopped.status == "stopped" and 0 < stopped.progress.share < 1
    kept = first.stat().st_mtime
    comparison = await runs.execute(directory)
    record = runs.load(directory)
    assert record.status == "done" and record.progress.share == 1.0
    assert first.stat().st_mtime == kept  # the finished world was not run again
    overdue = next(f for f in comparison.figures if f.key == "matters_overdue")
    cases = next(f for f in comparison.figures if f.key == "cases")
    assert overdue.baseline.mean == 0 and overdue.change.mean == cases.change.mean > 0
    assert overdue.difference.seeds == 2 and overdue.difference.low <= overdue.difference.high
    sheets = load_workbook(directory / "what-if.xlsx")
    assert sheets.sheetnames == ["总览", "办理周期", "关键路径变化", "每周工作量", "假设"]
    rows = {row[0].value: row for row in sheets["总览"].iter_rows(min_row=2)}
    assert rows["逾期事项"][4].value == overdue.change.mean


def test_a_change_the_system_would_refuse_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    baseline = permit_year(decide_days=5)
    too_long = Change(
        name="超过法定时限", packs={"BZ": {"matters": {PERMIT: {"promised_days": 30}}}}
    )
    with pytest.raises(ValueError, match="BZ 的政策包变更无效"):
        runs.new_run(tmp_path, baseline, too_long, seeds=[1])
    unknown = baseline.model_copy(
        update={"arrivals": [baseline.arrivals[0].model_copy(update={"park": "nowhere"})]}
    )
    with pytest.raises(ValueError, match="无法受理"):
        runs.new_run(tmp_path, unknown, NO_CHANGE, seeds=[1])
    assert statistics.fmean([1, 2]) == 1.5  # (the module's imports stay honest)
