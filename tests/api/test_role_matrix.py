"""Every endpoint, tried by every role and by nobody: allowed and refused exactly as the
table below says.

The case is a 博州 local case in processing (not cross-county, so oversight may not read it), the
department is the one deciding its land matter, and the enterprise is the one that
entrusted it. "Allowed" means the request got past sign-in and the access rules (any
answer but 401 and 403: an empty body is then a 422, a wrong stage a 409); "refused"
means 403 with the error body naming the roles that may, or 404 where the role may read
such cases but not this one (oversight and a local case): out of scope is not found.
"""

import httpx

from tests.support.driver import BOLE_LAND, CaseDriver
from tests.support.identities import (
    coordinator,
    department,
    enterprise,
    leader,
    ops,
    oversight,
)

CO, DE, EN, OP, OV = "coordinator", "department", "enterprise", "ops", "oversight"
LE = "leader"
EVERYONE = {CO, DE, EN, OP, OV, LE}
PUBLIC = "public"
CASE_READERS = {CO, EN, OP, LE}  # and oversight, for cross-county cases only
# A case's files: not ops, which repairs cases without reading what enterprises sent.
DOCUMENT_READERS = {CO, EN, LE}  # and oversight, for cross-county cases only

ALLOWED: dict[str, set[str] | str] = {
    "POST /auth/token": PUBLIC,
    "GET /health": PUBLIC,
    "GET /ready": PUBLIC,
    "GET /auth/me": EVERYONE,
    "POST /auth/password": EVERYONE,
    "GET /catalogue": EVERYONE,
    "GET /catalogue/{jurisdiction}": EVERYONE,
    "POST /cases": {CO, EN},  # EN: 包头 云代办, its own 委托书 online
    "GET /cases": {CO, EN, OP, LE},
    "GET /cases/{case_id}": CASE_READERS,
    "GET /cases/{case_id}/ledger": CASE_READERS,
    "GET /cases/{case_id}/material-reads": CASE_READERS,
    "GET /cases/{case_id}/feedback-report/versions": CASE_READERS,
    "POST /cases/{case_id}/feedback-report/versions": {CO},
    "POST /cases/{case_id}/review": {CO},
    "POST /cases/{case_id}/amendment": {CO},
    "POST /cases/{case_id}/misconduct-reports": {CO},
    "POST /cases/{case_id}/satisfaction-visits": {OV},
    "POST /cases/{case_id}/problems/{problem}/leader-answer": {LE},
    "POST /cases/{case_id}/plan": {CO},
    "POST /cases/{case_id}/matters/{matter}/resubmission": {CO},
    "POST /cases/{case_id}/matters/{matter}/deferred-materials": {CO},
    "POST /cases/{case_id}/delivery": {CO},
    "POST /cases/{case_id}/receipt": {CO, EN},
    "POST /cases/{case_id}/evaluation": {CO, EN},
    "POST /cases/{case_id}/feedback-report": {CO},
    "POST /cases/{case_id}/joint-review": {CO},
    "POST /cases/{case_id}/termination": {CO},
    "POST /cases/{case_id}/stall-reports": {CO},
    "POST /cases/{case_id}/problems/{problem}/coordination": {CO},
    "POST /cases/{case_id}/problems/{problem}/escalation": {CO},
    "POST /cases/{case_id}/problems/{problem}/resolutions/{resolution}/closing": {CO},
    "POST /cases/{case_id}/follow-up/callback": {CO},
    "POST /cases/{case_id}/follow-up/remedy": {CO},
    "POST /cases/{case_id}/follow-up/rating": {CO, EN},
    "POST /project-lists": {CO, DE},  # DE: an industry office, its own list
    "GET /departments/{department}/inbox": {DE},
    "GET /departments/{department}/tasks/{case_id}/{matter}": {DE},
    **{
        f"POST /departments/{{department}}/tasks/{{case_id}}/{{matter}}/{verb}": {DE}
        for verb in (
            "hand-off-acknowledgement",
            "acceptance",
            "correction-request",
            "approval",
            "refusal",
            "clock-suspension",
            "clock-resumption",
            "extension",
            "deferred-materials-confirmation",
        )
    },
    "GET /notifications": {CO, DE, EN, OP, OV, LE},
    "GET /work": {CO, DE, EN, OP, OV, LE},
    "GET /notifications/unread-count": EVERYONE,
    "POST /notifications/read": EVERYONE,
    "GET /cases/{case_id}/matters/{matter}/deadline": CASE_READERS,
    "GET /cases/{case_id}/clocks/{kind}": CASE_READERS,
    "POST /departments/{department}/bulk/{verb}": {DE},
    "GET /ops/stuck": {OP},
    "GET /ops/accounts": {OP},
    "POST /ops/accounts": {OP},
    **{
        f"POST /ops/accounts/{{username}}/{verb}": {OP}
        for verb in ("disable", "enable", "token-revocation", "password-reset")
    },
    "POST /ops/workflows/{workflow_id}/replay": {OP},
    "POST /ops/workflows/{workflow_id}/reset": {OP},
    "POST /ops/workflows/{workflow_id}/activity-retry": {OP},
    "POST /ops/workflows/{workflow_id}/termination": {OP},
    "POST /ops/cases/{case_id}/projection-rebuild": {OP},
    "GET /ops/ledger-verification": {OP},
    "POST /ops/notifications/{notification_id}/redelivery": {OP},
    "GET /oversight/cases": {OV, OP},
    "GET /oversight/cases/count": {OV, OP},
    "GET /oversight/cases/{case_id}/timeline": {OV, OP},
    "GET /oversight/statistics": {OV, OP},
    "GET /oversight/drift": {OV, OP},
    "GET /tracking-table": {CO, OV},
    "GET /cases/{case_id}/papers/{paper}": CASE_READERS,
    "GET /cases/{case_id}/checklists": DOCUMENT_READERS,
    "GET /cases/{case_id}/documents": DOCUMENT_READERS,
    "GET /cases/{case_id}/documents/{document_id}": DOCUMENT_READERS,
    "GET /cases/{case_id}/documents/{document_id}/preview": DOCUMENT_READERS,
    "POST /cases/{case_id}/matters/{matter}/documents": {CO, EN},
    "GET /departments/{department}/tasks/{case_id}/{matter}/documents": {DE},
    "GET /departments/{department}/tasks/{case_id}/{matter}/documents/{document_id}": {DE},
    "GET /departments/{department}/tasks/{case_id}/{matter}/documents/{document_id}/preview": {DE},
    "POST /departments/{department}/tasks/{case_id}/{matter}/results": {DE},
    "GET /what-if/runs": {CO, OV},
    "POST /what-if/runs": {CO, OV},
    "GET /what-if/runs/{run_id}": {CO, OV},
    "POST /what-if/runs/{run_id}/stop": {CO, OV},
    "POST /what-if/runs/{run_id}/resume": {CO, OV},
    "GET /what-if/runs/{run_id}/workbook": {CO, OV},
    "POST /what-if/open-cases": {CO, OV},
}

SIGNED_IN = {
    CO: coordinator("BZ"),
    DE: department(BOLE_LAND),
    EN: enterprise(),
    OP: ops(),
    OV: oversight(),
    LE: leader("BZ"),
}


def _operations(http: httpx.AsyncClient) -> list[str]:
    schema = http._transport.app.openapi()
    return [f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item]


def _url(template: str, case_id: str) -> str:
    values = {
        "case_id": case_id,
        "workflow_id": case_id,
        "matter": "land-preexamination",
        "department": BOLE_LAND,
        "jurisdiction": "BZ",
        "problem": "1",
        "resolution": "1",
        "notification_id": "1",
        "username": "no.such.account",  # ops: 404, nobody is disabled mid-test
        "paper": "entrustment",
        "kind": "hand_off",
        "verb": "acceptance",
        "document_id": "0123456789abcdef",
        "run_id": "no-such-run",  # 404 for those who may
    }
    return template.format(**values)


async def _try(http: httpx.AsyncClient, operation: str, case_id: str, headers: dict) -> int:
    method, template = operation.split(" ", 1)
    request = http.build_request(
        method,
        _url(template, case_id),
        json={} if method == "POST" else None,
        headers=headers,
    )
    return (await http.send(request)).status_code


async def test_every_endpoint_is_in_the_table(http: httpx.AsyncClient) -> None:
    assert sorted(_operations(http)) == sorted(ALLOWED)


async def test_every_role_is_allowed_and_refused_exactly_as_the_table_says(
    dev_stack: CaseDriver,
) -> None:
    """On the dev server: ops' and oversight's lists of workflows need its visibility."""
    case_id = await dev_stack.open()
    await dev_stack.accept(case_id)
    await dev_stack.plan(case_id)  # hands the land matter to its department
    await dev_stack.wait_for_matter(case_id, "land-preexamination", "handed_over")
    http = dev_stack.http
    tried: list[tuple[str, str, int]] = []
    for operation, allowed in ALLOWED.items():
        nobody = await _try(http, operation, case_id, {"Authorization": ""})
        tried.append((operation, "nobody", nobody))
        if allowed == PUBLIC:
            continue
        for role, headers in SIGNED_IN.items():
            tried.append((operation, role, await _try(http, operation, case_id, headers)))

    wrong = [
        (operation, role, status)
        for operation, role, status in tried
        if status >= 500
        or (ALLOWED[operation] != PUBLIC and role == "nobody" and status != 401)
        or (role in ALLOWED[operation] and status in (401, 403))
        or (role not in ALLOWED[operation] and role != "nobody" and status not in (403, 404))
    ]
    assert wrong == []
    public = sum(1 for allowed in ALLOWED.values() if allowed == PUBLIC)
    assert len(tried) == len(ALLOWED) + len(SIGNED_IN) * (len(ALLOWED) - public)


async def test_a_refusal_names_who_may(driver: CaseDriver) -> None:
    response = await driver.http.get("/ops/stuck", headers=coordinator("BZ"))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": "代办专员无权进行此操作（限运维人员）",
        "details": [],
    }
