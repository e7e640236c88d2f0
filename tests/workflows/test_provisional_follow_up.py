"""A 差评 follow-up opened on 21 December 2026: its 15-working-day remedy runs into 2027,
whose holidays are not published, so its dates carry the provisional mark (they carried
none) and never fall on 元旦.

This module's Temporal test server starts its clock at that morning.
"""

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from domain.clock import BUSINESS_ZONE
from tests.support.driver import CaseDriver

BEFORE_NEW_YEAR = datetime(2026, 12, 21, 9, 0, tzinfo=BUSINESS_ZONE)


@pytest.fixture
async def env(tmp_path: Path) -> AsyncIterator[WorkflowEnvironment]:
    from tests.support.servers import start_test_server

    environment = await start_test_server(BEFORE_NEW_YEAR, tmp_path)
    yield environment
    await environment.shutdown()


async def test_follow_up_dates_in_an_unpublished_year_say_so(
    driver: CaseDriver, env: WorkflowEnvironment
) -> None:
    case_id = await driver.registration_only_case_at_delivery()
    await driver.deliver_and_evaluate(case_id, "不满意", efficiency=2, quality=2, problem_solving=2)
    status = await driver.wait_for(
        case_id, lambda s: s["follow_up"] and s["follow_up"]["remedy_due_on"], "the follow-up"
    )
    follow_up = status["follow_up"]
    assert follow_up["provisional_years"] == [2027]
    assert follow_up["remedy_due_on"] != "2027-01-01"
    opened = next(e for e in await driver.ledger(case_id) if e["event"] == "follow_up_opened")
    assert "待公布节假日安排后重算" in opened["summary"]
    assert opened["details"]["provisional_years"] == [2027]
    remedy = opened["details"]["deadline_explanation"]["remedy_due_on"]
    assert "2027年节假日尚未公布" in remedy[-1]
