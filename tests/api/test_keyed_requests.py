"""Idempotency-Key: a retry after a crash finds its case, another body under a key is 409,
a project list pushed twice opens its cases once."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from store.tables import IdempotentRequest
from tests.api.test_ordos import _listed
from tests.support.driver import COORDINATOR, OPENED_CASES, CaseDriver, application
from tests.support.identities import coordinator, department
from tests.support.polling import eventually

pytestmark = pytest.mark.both_databases  # and on PostgreSQL


async def _open(http: httpx.AsyncClient, key: str) -> httpx.Response:
    return await http.post(
        "/cases", json=application(), headers={**COORDINATOR, "Idempotency-Key": key}
    )


def _claim_of(engine: Engine, key: str) -> IdempotentRequest:
    with Session(engine) as session:
        return session.exec(
            select(IdempotentRequest).where(
                col(IdempotentRequest.key).startswith("open-case:"),
                col(IdempotentRequest.key).contains(f":{key}~"),
            )
        ).one()


def _crash(engine: Engine, key: str, *, reserved: str | None) -> None:
    """As if the API died after reserving (and maybe starting) the case: no result, and a
    lease that has run out."""
    with Session(engine) as session:
        session.execute(
            update(IdempotentRequest)
            .where(col(IdempotentRequest.key) == _claim_of(engine, key).key)
            .values(result=None, reserved=reserved, lease_until=datetime.now(UTC))
        )
        session.commit()


async def test_a_retry_after_a_crash_finds_the_case_the_key_opened(
    driver: CaseDriver, engine: Engine
) -> None:
    first = await _open(driver.http, "crash-after-start-0001")
    assert first.status_code == 201, first.text
    case_id = first.json()["case_id"]
    OPENED_CASES.append(case_id)
    _crash(engine, "crash-after-start-0001", reserved=case_id)
    again = await _open(driver.http, "crash-after-start-0001")
    assert again.status_code == 201, again.text
    assert again.json()["case_id"] == case_id
    assert _claim_of(engine, "crash-after-start-0001").result == case_id


async def test_a_retry_after_a_crash_before_the_start_opens_the_reserved_number(
    driver: CaseDriver, engine: Engine
) -> None:
    probe = await _open(driver.http, "crash-probe-00001")  # learn the next numbers
    OPENED_CASES.append(probe.json()["case_id"])
    number = int(probe.json()["case_id"][-5:])
    reserved = f"BZ-{probe.json()['case_id'][3:7]}-{number + 1:05d}"
    # A claim under a second key, from the same coordinator with the same body, that
    # reserved the next number and died before it started the workflow.
    claim = _claim_of(engine, "crash-probe-00001")
    with Session(engine) as session:
        session.add(
            IdempotentRequest(
                key=claim.key.replace("crash-probe-00001", "crash-before-start-1"),
                body_digest=claim.body_digest,
                created_at=datetime.now(UTC),
                lease_until=datetime.now(UTC) - timedelta(seconds=1),
                reserved=reserved,
            )
        )
        session.commit()
    response = await _open(driver.http, "crash-before-start-1")
    assert response.status_code == 201, response.text
    assert response.json()["case_id"] == reserved
    OPENED_CASES.append(reserved)


async def test_a_claim_within_its_lease_is_in_progress(driver: CaseDriver, engine: Engine) -> None:
    first = await _open(driver.http, "in-progress-00001")
    OPENED_CASES.append(first.json()["case_id"])
    with Session(engine) as session:
        session.execute(
            update(IdempotentRequest)
            .where(col(IdempotentRequest.key) == _claim_of(engine, "in-progress-00001").key)
            .values(result=None, lease_until=datetime.now(UTC) + timedelta(minutes=1))
        )
        session.commit()
    again = await _open(driver.http, "in-progress-00001")
    assert again.status_code == 409
    assert "正在处理" in again.json()["error"]["message"]


async def test_the_same_key_with_another_body_on_an_action_is_refused(driver: CaseDriver) -> None:
    case_id = await driver.open()
    keyed = {**COORDINATOR, "Idempotency-Key": "review-once-0001"}
    accept = {"decision": "accept", "materials_received": ["委托书"]}
    first = await driver.http.post(f"/cases/{case_id}/review", json=accept, headers=keyed)
    assert first.status_code == 200, first.text
    repeat = await driver.http.post(f"/cases/{case_id}/review", json=accept, headers=keyed)
    assert repeat.status_code == 200 and repeat.json()["stage"] == first.json()["stage"]
    refuse = {"decision": "refuse", "reasons": ["不属于代办范围"]}
    other = await driver.http.post(f"/cases/{case_id}/review", json=refuse, headers=keyed)
    assert other.status_code == 409
    assert "幂等键已用于另一请求" in other.json()["error"]["message"]
    # The same key from another account is another request, not a repeat.
    stranger = {**department("bole-natural-resources"), "Idempotency-Key": "review-once-0001"}
    theirs = await driver.http.post(f"/cases/{case_id}/review", json=accept, headers=stranger)
    assert theirs.status_code in (403, 404, 409)
    assert (
        len([e for e in await driver.ledger(case_id) if e["event"] == "application_accepted"]) == 1
    )


async def test_a_project_list_pushed_twice_with_its_key_opens_its_cases_once(
    driver: CaseDriver,
) -> None:
    pushed = {
        "park": "ordos-hitech",
        "office": "ordos-industry-office",
        "projects": [
            _listed("光伏组件项目", ["land-preexamination"]),
            _listed("储能电池项目", ["energy-review"]),
        ],
    }
    headers = {**coordinator("ORD"), "Idempotency-Key": "ordos-list-2026-12"}
    first = await driver.http.post("/project-lists", json=pushed, headers=headers)
    assert first.status_code == 201, first.text
    OPENED_CASES.extend(c["case_id"] for c in first.json())
    again = await driver.http.post("/project-lists", json=pushed, headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    changed = {**pushed, "projects": pushed["projects"][:1]}
    other = await driver.http.post("/project-lists", json=changed, headers=headers)
    assert other.status_code == 409

    async def listed() -> int:
        return (await driver.http.get("/cases", params={"jurisdiction": "ORD"})).json()["total"]

    assert await eventually(lambda: _when(listed, 2), "both listed cases") == 2


async def _when(count, expected: int) -> int | None:
    found = await count()
    assert found <= expected, found
    return found if found == expected else None
