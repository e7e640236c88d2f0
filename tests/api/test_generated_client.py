"""The OpenAPI document is one a client generator can use: openapi-python-client generates a
client from today's /openapi.json with no warning, and that client drives a case."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.driver import BOLE_LAND, OPENED_CASES, CaseDriver, application, plan
from tests.support.identities import coordinator, department

CONFIG = Path(__file__).parent / "openapi_client.yaml"
GENERATOR = Path(sys.executable).parent / "openapi-python-client"


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


async def test_a_generated_client_opens_reviews_and_plans_a_case(
    driver: CaseDriver, tmp_path: Path
) -> None:
    schema = (await driver.http.get("/openapi.json")).json()
    names = list(schema["components"]["schemas"])
    assert not [n for n in names if "-" in n or "__" in n], "one schema name per model"
    operations = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(operations) == len(set(operations)) and "get_case" in operations
    (tmp_path / "openapi.json").write_text(json.dumps(schema, ensure_ascii=False))

    command = [str(GENERATOR), "generate", "--path", "openapi.json", "--meta", "none"]
    generated = subprocess.run(
        [*command, "--config", str(CONFIG)],
        cwd=tmp_path,
        # Its post-generation hooks run ruff, from the same environment.
        env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stderr
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout

    sys.path.insert(0, str(tmp_path))
    try:
        client_module = importlib.import_module("daiban_client")
        models = importlib.import_module("daiban_client.models")
        cases = {
            name: importlib.import_module(f"daiban_client.api.cases.{name}")
            for name in ("open_case", "review_case", "plan_case", "get_case")
        }
        accept = importlib.import_module("daiban_client.api.departments.accept_matter")
    finally:
        sys.path.remove(str(tmp_path))

    transport = driver.http._transport  # the app in process, as the other API tests use it
    assert isinstance(transport, httpx.ASGITransport)

    def signed_in(headers: dict[str, str]) -> object:
        return client_module.AuthenticatedClient(
            base_url="http://daiban", token=_token(headers), httpx_args={"transport": transport}
        )

    agent = signed_in(coordinator("BZ"))
    created = await cases["open_case"].asyncio(
        client=agent, body=models.Application.from_dict(application())
    )
    assert isinstance(created, models.CaseCreated), created
    case_id = created.case_id
    OPENED_CASES.extend([case_id, *(f"{case_id}/{m}" for m in application()["matters"])])

    reviewed = await cases["review_case"].asyncio(
        case_id,
        client=agent,
        body=models.InitialReviewRequest.from_dict(
            {"decision": "accept", "materials_received": ["委托书"]}
        ),
    )
    assert isinstance(reviewed, models.Case) and reviewed.stage == models.CaseStage.PLANNING
    assert reviewed.stage_name == "计划制定"

    twice = await cases["review_case"].asyncio(
        case_id,
        client=agent,
        body=models.InitialReviewRequest.from_dict(
            {"decision": "accept", "materials_received": ["委托书"]}
        ),
    )
    assert isinstance(twice, models.ErrorBody) and twice.error.code == "action_refused"

    planned = await cases["plan_case"].asyncio(
        case_id, client=agent, body=models.CasePlanRequest.from_dict(plan())
    )
    assert isinstance(planned, models.Case) and planned.stage == models.CaseStage.PROCESSING

    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    accepted = await accept.asyncio(
        BOLE_LAND,
        case_id,
        "land-preexamination",
        client=signed_in(department(BOLE_LAND)),
        body=models.AcceptMatterRequest.from_dict({}),
    )
    assert isinstance(accepted, models.Matter) and accepted.state == models.MatterState.ACCEPTED
    read = await cases["get_case"].asyncio(case_id, client=agent)
    assert isinstance(read, models.Case) and read.case_id == case_id and not read.overdue
