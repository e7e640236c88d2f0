"""Readiness and the API's metrics: what a load balancer and Prometheus are told.

/ready is 200 only while Temporal, the database (at this build's schema) and document
storage all answer; each failure is named in the one error body. /metrics counts requests
by route template and status, their latency, and errors by the error body's code.
"""

from pathlib import Path

import httpx
from sqlalchemy import text
from temporalio.client import Client

from documents.storage import LocalStorage
from temporal_dev import free_port
from tests.support.driver import CaseDriver


def _app(http: httpx.AsyncClient):
    return http._transport.app  # type: ignore[attr-defined]


async def test_ready_when_temporal_the_database_and_storage_answer(http: httpx.AsyncClient) -> None:
    answer = await http.get("/ready", headers={"Authorization": ""})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready"
    assert {check["name"]: check["ok"] for check in body["checks"]} == {
        "temporal": True,
        "database": True,
        "storage": True,
    }


async def test_not_ready_names_each_failure(http: httpx.AsyncClient, tmp_path: Path) -> None:
    state = _app(http).state
    kept = state.temporal_client, state.storage
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    state.storage = LocalStorage(blocker)  # documents_dir is a file: nothing can be stored
    state.temporal_client = await Client.connect(f"127.0.0.1:{free_port()}", lazy=True)
    try:
        answer = await http.get("/ready")
    finally:
        state.temporal_client, state.storage = kept
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    error = answer.json()["error"]
    assert error["code"] == "not_ready"
    assert {detail["field"] for detail in error["details"]} == {"temporal", "storage"}
    assert "temporal" in error["message"] and "storage" in error["message"]


async def test_not_ready_on_a_schema_this_build_does_not_know(http: httpx.AsyncClient) -> None:
    engine = _app(http).state.engine
    with engine.begin() as connection:
        (revision,) = connection.execute(text("select version_num from alembic_version")).one()
        connection.execute(text("update alembic_version set version_num = '0999'"))
    try:
        answer = await http.get("/ready")
    finally:
        with engine.begin() as connection:
            connection.execute(text("update alembic_version set version_num = :r"), {"r": revision})
    assert answer.status_code == 503
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == "database" and "0999" in detail["message"]


async def test_metrics_count_requests_by_route_and_errors_by_code(driver: CaseDriver) -> None:
    http = driver.http
    case_id = await driver.open()
    assert (await http.get(f"/cases/{case_id}")).status_code == 200
    assert (await http.get("/cases/BZ-2026-99999")).status_code == 404
    assert (await http.get("/no/such/page")).status_code == 404
    scraped = await http.get("/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    lines = scraped.text.splitlines()

    def value(prefix: str) -> float:
        (line,) = [line for line in lines if line.startswith(prefix + " ")]
        return float(line.rsplit(" ", 1)[1])

    read = 'method="GET",route="/cases/{case_id}"'
    assert value(f'daiban_api_requests_total{{{read},status="200"}}') >= 1
    assert value(f'daiban_api_requests_total{{{read},status="404"}}') == 1
    assert value(f"daiban_api_request_duration_seconds_count{{{read}}}") >= 2
    assert value('daiban_api_requests_total{method="GET",route="unmatched",status="404"}') == 1
    assert value('daiban_api_errors_total{code="not_found",status="404"}') == 2
    # The path's case id is never a label: the series stay as few as the routes.
    assert "BZ-2026-99999" not in scraped.text
