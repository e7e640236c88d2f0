"""The embedded default of scripts/run: a real Temporal dev server, worker and API.

The time-skipping test server answers everything else; this test proves the pieces the
dev server adds: the start-dev flags of the project's search attributes, visibility
queries on them, and a whole case on a server that keeps its state in a SQLite file.
"""

from temporalio.client import Client

from ops.search_attributes import register as register_search_attributes
from tests.support.driver import MATTERS, CaseDriver
from tests.support.polling import eventually
from workflows.case import CaseWorkflow


async def test_a_case_runs_to_archive_on_the_dev_server(
    dev_stack: CaseDriver, dev_client: Client
) -> None:
    # Registering again is harmless: scripts/run does it on external clusters every start.
    await register_search_attributes(dev_client, "default")
    driver = dev_stack
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await _wait_for_visible(dev_client, 'CaseStage = "processing" AND Park = "bole-jinsanjiao"')
    for matter in ("enterprise-registration", "land-preexamination", "food-licence"):
        await driver.wait_for_matter(case_id, matter, "handed_over")
        await driver.approve(case_id, matter)
    await driver.deliver_and_evaluate(case_id)
    await driver.file_feedback_report(case_id)
    final = await dev_client.get_workflow_handle_for(CaseWorkflow.run, case_id).result()
    assert final.stage == "archived"
    found = await _wait_for_visible(
        dev_client, f'WorkflowId = "{case_id}" AND CaseStage = "archived"'
    )
    assert found == [case_id]
    # received, accepted, plan; per matter hand-over, accepted, approved; completed,
    # delivered, receipt, evaluated, report drafted and filed, archived.
    assert len(await driver.ledger(case_id)) == 3 + len(MATTERS) * 3 + 7


async def _wait_for_visible(client: Client, query: str) -> list[str]:
    """Visibility lags the workflow a little even on the dev server."""

    async def matching() -> list[str]:
        return [execution.id async for execution in client.list_workflows(query)]

    return await eventually(matching, f"a workflow matching {query!r}", timeout=10, interval=0.1)


async def test_a_namespace_without_the_search_attributes_refuses_to_start(
    dev_client: Client,
) -> None:
    """Before, the first 委托书 got a bare 500 and burnt its case number; now neither the
    API nor the worker starts on such a namespace, and says how to fix it."""
    from datetime import timedelta

    import pytest
    from google.protobuf.duration_pb2 import Duration
    from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest

    from services.search_attributes import SearchAttributesMissing, missing, require

    retention = Duration()
    retention.FromTimedelta(timedelta(days=1))
    await dev_client.workflow_service.register_namespace(
        RegisterNamespaceRequest(namespace="bare", workflow_execution_retention_period=retention)
    )

    async def lacking() -> list[str]:
        try:
            return await missing(dev_client, "bare")
        except Exception:  # the new namespace takes a moment to be known
            return []

    assert await eventually(lacking, "the new namespace") == [
        "CaseStage",
        "Jurisdiction",
        "Park",
        "Counties",
        "Overdue",
    ]
    with pytest.raises(SearchAttributesMissing, match="search-attributes register"):
        await require(dev_client, "bare")
    await require(dev_client, "default")  # the dev server was started with them
