"""A clerk's day through the API: notices read and unread, a deadline that explains
itself (on the case, on the department's task and in the ledger entry that set it), bulk
受理 that says which succeeded, and the lists that show the nearest clock."""

from tests.support.driver import BOLE_LAND, BOLE_MARKET, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.identities import coordinator, department, enterprise
from tests.support.polling import eventually

LAND = "land-preexamination"


async def _handed_over(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, LAND, "handed_over")
    return case_id


async def test_bulk_acceptance_takes_each_task_once_and_names_the_refused(
    driver: CaseDriver, env
) -> None:
    first, second = await _handed_over(driver), await _handed_over(driver)
    clerk = department(BOLE_LAND)
    inbox = (await driver.http.get(f"/departments/{BOLE_LAND}/inbox", headers=clerk)).json()
    mine = [t for t in inbox["items"] if t["case_id"] in (first, second)]
    assert mine and all(t["enterprise_name"] and t["project_name"] for t in mine)
    body = {
        "tasks": [
            {"case_id": first, "matter": LAND},
            {"case_id": second, "matter": LAND},
            {"case_id": first, "matter": "enterprise-registration"},  # another department's
        ]
    }
    headers = clerk | {"Idempotency-Key": "bulk-accept-1"}
    answer = await driver.http.post(
        f"/departments/{BOLE_LAND}/bulk/acceptance", json=body, headers=headers
    )
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert (result["succeeded"], result["failed"]) == (2, 1)
    assert [r["ok"] for r in result["results"]] == [True, True, False]
    assert result["results"][2]["code"] == "not_found"
    # The same request again (a retried click) takes nothing twice.
    again = await driver.http.post(
        f"/departments/{BOLE_LAND}/bulk/acceptance", json=body, headers=headers
    )
    assert again.json()["succeeded"] == 2
    ledger = (await driver.http.get(f"/cases/{first}/ledger", headers=coordinator())).json()
    accepted = [e for e in ledger["items"] if e["event"] == "matter_accepted"]
    assert len(accepted) == 1
    # Accepted without its key: refused now, and said so per task.
    later = await driver.http.post(
        f"/departments/{BOLE_LAND}/bulk/acceptance", json=body, headers=clerk
    )
    assert later.json()["succeeded"] == 0
    assert "已" in later.json()["results"][0]["message"]
    signed = await driver.http.post(
        f"/departments/{BOLE_MARKET}/bulk/hand-off-acknowledgement",
        json={"tasks": body["tasks"][:1]},
        headers=department(BOLE_MARKET),
    )
    assert signed.status_code == 422 and signed.json()["error"]["details"][0]["field"] == (
        "received_by"
    )
    duplicate = {"tasks": [body["tasks"][0], body["tasks"][0]]}
    twice = await driver.http.post(
        f"/departments/{BOLE_LAND}/bulk/acceptance", json=duplicate, headers=clerk
    )
    assert twice.status_code == 422

    # The deadline explains itself: on the case, on the task, and in the ledger entry.
    explained = await driver.http.get(
        f"/cases/{first}/matters/{LAND}/deadline", headers=coordinator()
    )
    assert explained.status_code == 200, explained.text
    steps = explained.json()["steps"]
    assert steps[0]["kind"] == "start" and "受理当日不计入" in steps[0]["text"]
    assert steps[-1]["kind"] == "due" and explained.json()["due_on"] in str(
        (await driver.status(first))["matters"]
    )
    task = await driver.http.get(f"/departments/{BOLE_LAND}/tasks/{first}/{LAND}", headers=clerk)
    assert task.json()["deadline"]["steps"] == steps
    entry = accepted[0]["details"]["clock"]
    assert "clock_state" not in entry and entry["deadline_explanation"] == [
        s["text"] for s in steps
    ]
    waiting = await driver.http.get(
        f"/cases/{first}/matters/food-licence/deadline", headers=coordinator()
    )
    assert waiting.status_code == 404 and "没有办理时限" in waiting.json()["error"]["message"]

    # The case list shows each case's nearest clock.
    cases = (await driver.http.get("/cases", headers=coordinator())).json()["items"]
    nearest = next(c for c in cases if c["case_id"] == first)["next_clock"]
    assert nearest is not None and nearest["remaining"]
    await record_if_asked(env.client, "bulk_acceptance_explained", first, [LAND])


async def test_notices_are_read_once_by_each_reader(driver: CaseDriver) -> None:
    case_id = await _handed_over(driver)
    agent, clerk = coordinator(), department(BOLE_LAND)

    async def mine(headers: dict[str, str], **params: str) -> list[dict]:
        query = {"case_id": case_id, **params}
        answer = await driver.http.get("/notifications", params=query, headers=headers)
        return answer.json()["items"]

    async def unread_count(headers: dict[str, str]) -> int:
        answer = await driver.http.get("/notifications/unread-count", headers=headers)
        return answer.json()["unread"]

    async def some() -> list[dict] | None:
        return await mine(agent) or None

    listed = await eventually(some, "a notice of the case for its coordinator")
    assert all(not n["read"] and n["link"] == f"/console/cases/{case_id}" for n in listed)
    before = await unread_count(agent)
    assert before >= len(listed)
    one = listed[0]["id"]
    marked = await driver.http.post("/notifications/read", json={"ids": [one]}, headers=agent)
    assert marked.json() == {"marked": 1}
    twice = await driver.http.post("/notifications/read", json={"ids": [one]}, headers=agent)
    assert twice.json() == {"marked": 0}  # a doubled click counts nothing twice
    assert [n["read"] for n in await mine(agent)].count(True) == 1
    assert one not in [n["id"] for n in await mine(agent, unread="true")]
    # The coordinator's notice is not the department's to mark; its own read is its own.
    stray = await driver.http.post("/notifications/read", json={"ids": [one]}, headers=clerk)
    assert stray.json() == {"marked": 0}
    everything = await driver.http.post("/notifications/read", json={"all": True}, headers=agent)
    assert everything.json()["marked"] >= len(listed) - 1
    assert await mine(agent, unread="true") == []
    nothing = await driver.http.post("/notifications/read", json={}, headers=agent)
    assert nothing.status_code == 422
    assert await unread_count(enterprise()) >= 0  # every role has a count


async def test_open_cases_from_before_the_work_list_get_their_clocks(
    driver: CaseDriver, env, engine
) -> None:
    """ops backfill-work-items: a case whose rows are missing (as one upgraded past 0012
    that has not moved since) gets its running clocks from its workflow, once."""
    from sqlmodel import Session, delete, select

    from ops.backfill_work import backfill, cases_without_work_items
    from store.tables import WorkItemRow

    case_id = await _handed_over(driver)
    with Session(engine) as session:
        session.exec(delete(WorkItemRow).where(WorkItemRow.case_id == case_id))
        session.commit()
    assert case_id in cases_without_work_items(engine)
    seen: list[str] = []
    assert await backfill(env.client, engine, lambda n, total, what: seen.append(what)) >= 1
    assert case_id in seen and case_id not in cases_without_work_items(engine)
    with Session(engine) as session:
        kinds = {
            r.kind for r in session.exec(select(WorkItemRow).where(WorkItemRow.case_id == case_id))
        }
    assert "hand_off" in kinds
    assert case_id not in cases_without_work_items(engine)  # a second run skips it
