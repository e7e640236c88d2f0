"""Malformed input on every endpoint that takes a body: 422 with a body that says what is wrong."""

import httpx
import pytest

from tests.support.driver import (
    BOLE_LAND,
    COORDINATOR,
    ENTERPRISE,
    CaseDriver,
    application,
    department,
    plan,
)

CASE = "BZ-2026-00001"
TASK = f"/departments/{BOLE_LAND}/tasks/{CASE}/land-preexamination"


def _without(body: dict, *path: str) -> dict:
    copy = {**body}
    target = copy
    for key in path[:-1]:
        target[key] = {**target[key]}
        target = target[key]
    del target[path[-1]]
    return copy


BAD_APPLICATIONS = [
    (
        application(enterprise={"name": "博乐示例", "uscc": "91350100M000100Y44"}),
        "enterprise.uscc",
        "校验位错误：应为3",
    ),
    (
        application(enterprise={"name": "博乐示例", "uscc": "91350100M000100Y4"}),
        "enterprise.uscc",
        "应为18位",
    ),
    (
        application(enterprise={"name": "博乐示例", "uscc": "91350100M000100I43"}),
        "enterprise.uscc",
        "不允许的字符：I",
    ),
    (application(contact={"name": "张三", "phone": "12345"}), "contact.phone", ""),
    (application(period={"start": "2027-01-01", "end": "2026-01-01"}), "period", "结束日期"),
    (application(matters=["food-licence", "food-licence"]), "matters", "不能重复"),
    (application(matters=[]), "matters", ""),
    (
        application(project={"name": "项目", "investment_wan_yuan": "-1", "industry": "x"}),
        "project.investment_wan_yuan",
        "",
    ),
    (application(scope="most"), "scope", ""),
    (_without(application(), "enterprise"), "enterprise", ""),
    (application(park="no-such-park"), "park", "没有编码为no-such-park的园区"),
    (application(matters=["no-such-matter"]), "matters", "没有编码为no-such-matter的事项"),
    (application(jurisdiction="XX"), "jurisdiction", "未知的辖区"),
]


@pytest.mark.parametrize(("body", "field", "message"), BAD_APPLICATIONS)
async def test_bad_applications_are_422_with_the_field_and_reason(
    driver: CaseDriver, body: dict, field: str, message: str
) -> None:
    response = await driver.http.post("/cases", json=body, headers=COORDINATOR)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in [detail["field"] for detail in error["details"]]
    assert message in error["message"]


BAD_ACTIONS = [
    (f"/cases/{CASE}/review", {"decision": "accept"}, "受理时必须列明收到的材料"),
    (f"/cases/{CASE}/review", {"decision": "refuse", "reasons": []}, "必须说明理由"),
    (f"/cases/{CASE}/review", {"decision": "maybe"}, "decision"),
    (
        f"/cases/{CASE}/plan",
        {**plan(), "agent": {"id": "w", "name": "王五", "phone": "1"}},
        "agent.phone",
    ),
    (
        f"/cases/{CASE}/plan",
        {**plan(), "matters": [{**plan()["matters"][0], "planned_finish": "2020-01-01"}]},
        "计划完成日期不能早于计划开始日期",
    ),
    (f"/cases/{CASE}/plan", {**plan(), "matters": []}, "matters"),
    (f"/cases/{CASE}/matters/land-preexamination/resubmission", {"materials": []}, "materials"),
    (f"/cases/{CASE}/delivery", {"method": ""}, "method"),
    (f"/cases/{CASE}/receipt", {}, "signed_by"),
    (
        f"/cases/{CASE}/evaluation",
        {"level": "很好", "efficiency": 5, "quality": 5, "problem_solving": 5},
        "level",
    ),
    (
        f"/cases/{CASE}/evaluation",
        {"level": "满意", "efficiency": 6, "quality": 5, "problem_solving": 5},
        "efficiency",
    ),
    (f"/cases/{CASE}/termination", {"reason": "x", "signed_by": "张三"}, "cause"),
    (f"/cases/{CASE}/termination", {"cause": "bored", "reason": "x", "signed_by": "张三"}, "cause"),
    (f"{TASK}/acceptance", [], "body"),
    (f"{TASK}/correction-request", {"items": []}, "items"),
    (f"{TASK}/approval", {}, "result_reference"),
    (f"{TASK}/refusal", {"reason": ""}, "reason"),
]


@pytest.mark.parametrize(("path", "body", "expected"), BAD_ACTIONS)
async def test_bad_action_bodies_are_422(
    driver: CaseDriver, path: str, body: object, expected: str
) -> None:
    case_id = await driver.open()
    who = department(BOLE_LAND) if path.startswith(TASK) else COORDINATOR
    if path.endswith(("/receipt", "/evaluation")):
        who = ENTERPRISE  # the applicant signs and rates itself
    response = await driver.http.post(path.replace(CASE, case_id), json=body, headers=who)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert expected in error["message"] + " ".join(d["field"] or "" for d in error["details"])


async def test_no_token_is_401_and_malformed_ids_and_json_are_422(
    http: httpx.AsyncClient,
) -> None:
    response = await http.post("/cases", json=application(), headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"] == {
        "code": "unauthenticated",
        "message": "请先登录（Authorization: Bearer <令牌>）",
        "details": [],
    }
    assert (await http.get("/cases/not-a-case-id")).status_code == 422
    response = await http.post(
        "/cases", content=b"{not json", headers={**COORDINATOR, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    response = await http.post(
        f"/cases/{CASE}/receipt", json={"signed_by": "张三"}, headers=department(BOLE_LAND)
    )
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "部门经办人无权进行此操作（限代办专员、企业）"
    assert (await http.get("/cases", params={"limit": 0})).status_code == 422


async def test_an_oversize_body_is_refused_before_any_route_reads_it(driver: CaseDriver) -> None:
    body = application(
        project={"name": "项" * 600_000, "investment_wan_yuan": "1", "industry": "x"}
    )
    response = await driver.http.post("/cases", json=body, headers=COORDINATOR)
    assert response.status_code == 413
    assert response.json() == {
        "error": {
            "code": "body_too_large",
            "message": "请求内容过大，上限为1024 KiB",
            "details": [],
        }
    }


async def test_a_chunked_oversize_body_is_refused_too(driver: CaseDriver) -> None:
    async def chunks():
        for _ in range(20):
            yield b"x" * 100_000

    response = await driver.http.post(
        "/cases", content=chunks(), headers={**COORDINATOR, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


CONTROLS = [
    ({"name": "博乐\x00示例有限公司", "uscc": "91350100M000100Y43"}, "U+0000"),
    ({"name": "博乐\u202e示例有限公司", "uscc": "91350100M000100Y43"}, "改变文字方向"),
    ({"name": "博乐\u2066示例有限公司", "uscc": "91350100M000100Y43"}, "U+2066"),
    ({"name": "博乐\n示例有限公司", "uscc": "91350100M000100Y43"}, "不能换行"),
    ({"name": "博乐\x1b[31m示例", "uscc": "91350100M000100Y43"}, "U+001B"),
]


@pytest.mark.parametrize(("enterprise", "says"), CONTROLS)
async def test_control_characters_in_any_text_are_refused_in_chinese(
    http: httpx.AsyncClient, enterprise: dict, says: str
) -> None:
    response = await http.post(
        "/cases", json=application(enterprise=enterprise), headers=COORDINATOR
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"][0]["field"] == "enterprise.name"
    assert says in error["message"]


async def test_a_multi_line_note_keeps_its_line_breaks_but_not_a_nul(
    driver: CaseDriver,
) -> None:
    case_id = await driver.open()
    review = {"decision": "refuse", "reasons": ["第一条\n第二条\t说明"]}
    nul = {"decision": "refuse", "reasons": ["第一条\x00"]}
    refused = await driver.http.post(f"/cases/{case_id}/review", json=nul, headers=COORDINATOR)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"][0]["field"] == "reasons[0]"
    assert (await driver.post(f"/cases/{case_id}/review", review))["stage"] == "refused"


def _string_paths(value: object, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _string_paths(v, f"{path}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _string_paths(v, f"{path}[{i}]")]
    return []


def _injected(value: object, target: str, path: str = "") -> object:
    if isinstance(value, str):
        return value[:1] + "\x07" + value[1:] if path == target else value
    if isinstance(value, dict):
        return {k: _injected(v, target, f"{path}.{k}".lstrip(".")) for k, v in value.items()}
    if isinstance(value, list):
        return [_injected(v, target, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


async def test_a_control_character_in_any_string_of_a_weituoshu_is_named(
    http: httpx.AsyncClient,
) -> None:
    """Every string of the 委托书, one at a time: 422 naming it, and no case opened."""
    body = application()
    paths = _string_paths(body)
    assert len(paths) >= 12
    for path in paths:
        response = await http.post("/cases", json=_injected(body, path), headers=COORDINATOR)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["details"][0]["field"] == path
    assert (await http.get("/cases")).json()["total"] == 0


BLANKS = [
    ("review", {"decision": "refuse", "reasons": [""]}, "reasons[0]"),
    ("review", {"decision": "refuse", "reasons": ["  "]}, "reasons[0]"),
    (
        "termination",
        {"cause": "enterprise_request", "reason": "\u3000", "signed_by": "张三"},
        "reason",
    ),
]


@pytest.mark.parametrize(("verb", "body", "field"), BLANKS)
async def test_blank_words_are_refused_where_a_person_must_give_them(
    driver: CaseDriver, verb: str, body: dict, field: str
) -> None:
    case_id = await driver.open()
    response = await driver.http.post(f"/cases/{case_id}/{verb}", json=body, headers=COORDINATOR)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == field
    assert "不能为空白" in response.json()["error"]["message"]
    assert (await driver.status(case_id))["stage"] == "initial_review"


async def test_blank_items_of_a_deferral_a_fee_or_a_commitment_are_refused(
    http: httpx.AsyncClient,
) -> None:
    for verb, body, field in (
        ("acceptance", {"deferred_items": [" "], "supply_by": "2026-12-30"}, "deferred_items[0]"),
        (
            "approval",
            {"result_reference": "博1号", "fees": [{"item": " ", "amount_yuan": "10"}]},
            "fees[0].item",
        ),
        ("approval", {"result_reference": "博1号", "commitment": ""}, "commitment"),
    ):
        response = await http.post(f"{TASK}/{verb}", json=body, headers=department(BOLE_LAND))
        assert response.status_code == 422, (verb, response.text)
        assert response.json()["error"]["details"][0]["field"] == field
