"""The oversight statistics from the kept tallies equal the live query's, on generated data
and on cases driven through the workflows (where only the ledger writes move them)."""

from datetime import date

import pytest
from sqlalchemy import Engine

from store import oversight, tally
from store.oversight import OversightFilter
from tests.api.test_oversight import OVERSIGHT, generate, load
from tests.support.driver import MATTERS, CaseDriver
from tests.support.identities import api_client

FILTERS = [
    OversightFilter(),
    OversightFilter(cross_county_only=False),
    OversightFilter(jurisdiction="BZ"),
    OversightFilter(jurisdiction="BT"),  # none: empty figures both ways
    OversightFilter(cross_county_only=False, jurisdiction="BZ"),
]


def _tallied(engine: Engine, where: OversightFilter):
    assert oversight.tallied(where)
    return tally.figures(
        engine, cross_county_only=where.cross_county_only, jurisdiction=where.jurisdiction
    )


@pytest.mark.parametrize("where", FILTERS, ids=repr)
def test_the_tallies_give_the_live_figures_on_generated_cases(
    engine: Engine, where: OversightFilter
) -> None:
    load(engine, generate(seed=11, n=300))
    live = oversight.live_figures(engine, where)
    assert _tallied(engine, where) == live
    if where == OversightFilter():
        assert live.cases > 100 and live.by_matter  # the comparison compared something


def test_filters_that_change_by_the_hour_are_answered_live() -> None:
    for where in (
        OversightFilter(stage="processing"),
        OversightFilter(overdue=True),
        OversightFilter(pending_coordination=False),
        OversightFilter(county="精河县"),
        OversightFilter(park="bole-wutai"),
        OversightFilter(opened_from=date(2026, 10, 1)),
        OversightFilter(opened_to=date(2026, 10, 31)),
    ):
        assert not oversight.tallied(where)


async def test_the_ledger_writes_keep_the_tallies_equal_to_the_live_figures(
    driver: CaseDriver, engine: Engine
) -> None:
    """No rebuild here: every figure moved with the ledger entry that changed the case."""
    refused = await driver.open()
    await driver.post(
        f"/cases/{refused}/review", {"decision": "refuse", "reasons": ["不属于帮办代办范围"]}
    )
    case_id = await driver.open(matters=MATTERS)
    await driver.accept(case_id)
    await driver.plan(case_id)
    for matter in MATTERS[:2]:  # food-licence waits for enterprise-registration
        await driver.wait_for_matter(case_id, matter, "handed_over")
    await driver.department_act(case_id, MATTERS[0], "acceptance", {})
    await driver.department_act(case_id, MATTERS[0], "correction-request", {"items": ["申请书"]})
    await driver.post(
        f"/cases/{case_id}/matters/{MATTERS[0]}/resubmission", {"materials": ["申请书"]}
    )
    await driver.department_act(case_id, MATTERS[0], "approval", {"result_reference": "1号"})
    await driver.department_act(case_id, MATTERS[1], "acceptance", {})
    await driver.department_act(case_id, MATTERS[1], "refusal", {"reason": "不符合规划"})
    await driver.wait_for_matter(case_id, MATTERS[1], "refused")
    await driver.wait_for_matter(case_id, MATTERS[2], "handed_over")

    for where in (OversightFilter(), OversightFilter(cross_county_only=False)):
        live = oversight.live_figures(engine, where)
        assert _tallied(engine, where) == live
    every = oversight.live_figures(engine, OversightFilter(cross_county_only=False))
    assert (
        every.cases == 2
        and every.corrections == 1
        and sum(every.by_matter[MATTERS[0]].values()) == 1
    )

    kept = _tallied(engine, OversightFilter(cross_county_only=False))
    tally.rebuild(engine)  # and a recount from the projection finds the same
    assert _tallied(engine, OversightFilter(cross_county_only=False)) == kept


async def test_the_statistics_route_answers_from_the_tallies(
    engine: Engine, database_url: str
) -> None:
    from settings import Settings

    load(engine, generate(seed=3, n=40))
    async with api_client(Settings(database_url=database_url), object(), engine) as http:
        tallied = (await http.get("/oversight/statistics", headers=OVERSIGHT)).json()
        tally.rebuild(engine)
        with engine.begin() as connection:  # the tallies gone: the figures go with them
            connection.exec_driver_sql("DELETE FROM oversight_tally")
        emptied = (await http.get("/oversight/statistics", headers=OVERSIGHT)).json()
    assert tallied["cases"] > 0 and emptied["cases"] == 0


def test_ops_rebuild_tallies_recounts_rows_written_around_the_ledger(
    engine: Engine, database_url: str, settings_env, capsys: pytest.CaptureFixture
) -> None:
    """A restore writes projection rows the tallies never saw: the command recounts them."""
    import json

    from ops.cli import main as ops_cli
    from tests.api.test_oversight import _write

    generated = generate(seed=5, n=30)
    _write(engine, generated)  # straight to the projection, as a restore would
    assert _tallied(engine, OversightFilter()).cases == 0
    settings_env(DAIBAN_DATABASE_URL=database_url)
    assert ops_cli(["--json", "rebuild-tallies"]) == 0
    assert json.loads(capsys.readouterr().out) == {"cases": 30}
    assert _tallied(engine, OversightFilter()) == oversight.live_figures(engine, OversightFilter())
