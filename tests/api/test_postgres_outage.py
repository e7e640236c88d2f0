"""PostgreSQL goes away mid-case and comes back: the API answers a retryable 503 with the
error body meanwhile (it cannot even check a token), an action already in the workflow
waits for its ledger write, and afterwards every entry is there once and the chain
verifies."""

import asyncio
import time

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from temporalio.client import Client

from domain.actions import AcceptMatter
from domain.actors import Actor, Role
from store.chain import verify
from store.db import make_engine
from tests.support.driver import BOLE_MARKET, CaseDriver
from tests.support.identities import department
from tests.support.polling import eventually
from tests.support.postgres import Cluster
from workflows.matter import MatterWorkflow


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_postgresql_outage_loses_nothing_and_answers_503(
    driver: CaseDriver, engine: Engine, postgres: Cluster, client: Client
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "enterprise-registration", "handed_over")
    postgres.stop()
    try:
        listed = await driver.http.get("/cases")
        assert listed.status_code == 503, listed.text
        assert listed.json()["error"]["code"] == "database_unavailable"
        assert listed.headers["retry-after"] == "5"
        refused = await driver.http.post(
            f"/departments/{BOLE_MARKET}/tasks/{case_id}/enterprise-registration/acceptance",
            json={},
            headers=department(BOLE_MARKET),
        )
        assert refused.status_code == 503  # nothing was changed: the client retries
        # The department's own system acting straight on the workflow, as the API would:
        handle = client.get_workflow_handle(f"{case_id}/enterprise-registration")
        clerk = Actor(id="clerk", role=Role.DEPARTMENT, department=BOLE_MARKET)
        acting = asyncio.create_task(
            handle.execute_update(MatterWorkflow.accept, AcceptMatter(actor=clerk))
        )
        await asyncio.sleep(3)
        assert not acting.done()  # its ledger write cannot land
    finally:
        postgres.start()
    assert (await asyncio.wait_for(acting, 90)).state == "accepted"
    entries = await driver.ledger(case_id)
    accepted = [e for e in entries if e["event"] == "matter_accepted"]
    assert [e["matter"] for e in accepted] == ["enterprise-registration"]
    assert verify(engine).ok


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_session_sitting_on_the_chain_head_is_ended_not_waited_for(
    driver: CaseDriver, engine: Engine, database_url: str
) -> None:
    """A session that locks the ledger's head and then idles (a crashed tool, a console
    left open) held up every ledger write for as long as it lived: a review waited 29 s
    for 30 s. PostgreSQL now ends it after the idle-in-transaction timeout (settings, 10 s
    by default), and the review goes through."""
    case_id = await driver.open()

    # The chain's head exists once the first entry is written: locking it before then
    # locked nothing, and on a loaded machine the review went straight through.
    # The workflow's version moves before its ledger activity has written: wait for the
    # entry itself (a fresh-clone run once locked a head that was not there yet).
    async def written() -> bool:
        return bool(await driver.ledger(case_id))

    await eventually(written, "the application entry")
    holder = make_engine(database_url, idle_in_transaction_ms=2000).connect()
    holder.begin()
    holder.execute(text("SELECT * FROM ledger_head WHERE id = 1 FOR UPDATE"))
    started = time.monotonic()
    reviewed = await asyncio.wait_for(driver.accept(case_id), 60)
    assert reviewed["stage"] == "planning"
    assert time.monotonic() - started < 15
    with pytest.raises(DBAPIError, match="idle-in-transaction"):  # the server ended it
        holder.execute(text("SELECT 1"))
    holder.close()
