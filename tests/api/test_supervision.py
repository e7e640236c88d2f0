"""Supervision of the service (博州 seed 六.(三)): 州工信局's 满意度回访 and the park
committee's report of 推、拖、索、拿、卡、要, each written to the case's ledger once."""

import csv
import io

from domain.supervision import Misconduct
from tests.support.driver import CaseDriver
from tests.support.identities import coordinator, enterprise, leader, oversight
from tests.workflows.test_cross_county import open_wutai_case, wutai_case_rated

VISIT = {"result": "dissatisfied", "visited": "张三", "method": "电话", "note": "移交等待过久"}


async def test_the_special_team_visits_an_archived_cross_county_case(driver: CaseDriver) -> None:
    case_id = await wutai_case_rated(driver)
    await driver.file_feedback_report(case_id)
    await driver.wait_for_stage(case_id, "archived")
    path = f"/cases/{case_id}/satisfaction-visits"

    refused = await driver.http.post(path, json=VISIT, headers=coordinator())
    assert refused.status_code == 403  # the agent does not visit its own work
    local = await driver.open()  # a single-county case: the county government's, not 州工信局's
    await driver.accept(local)
    assert (
        await driver.http.post(
            f"/cases/{local}/satisfaction-visits", json=VISIT, headers=oversight()
        )
    ).status_code == 404
    blank = await driver.http.post(path, json={**VISIT, "visited": " "}, headers=oversight())
    assert blank.status_code == 422

    keyed = {**oversight(), "Idempotency-Key": "visit-0001"}
    first = await driver.http.post(path, json=VISIT, headers=keyed)
    assert first.status_code == 201, first.text
    again = await driver.http.post(path, json=VISIT, headers=keyed)
    assert again.status_code == 201 and again.json()["key"] == first.json()["key"]
    entries = [e for e in await driver.ledger(case_id) if e["event"] == "satisfaction_visited"]
    assert len(entries) == 1
    assert entries[0]["summary"] == "满意度回访（电话，张三）：不满意；移交等待过久"
    assert entries[0]["actor"]["role"] == "oversight"
    told = await driver.http.get(
        "/notifications", params={"case_id": case_id, "recipient": "leader"}
    )
    assert "satisfaction_visited" in [n["event"] for n in told.json()["items"]]

    # 附件3's 回访结果 is the visit's answer, not the enterprise's own 满意 rating
    table = await driver.http.get(
        "/tracking-table", params={"format": "csv"}, headers=coordinator()
    )
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == case_id)
    assert row[7] == "不满意"


async def test_the_park_committee_reports_misconduct_it_found(driver: CaseDriver) -> None:
    case_id = await open_wutai_case(driver)
    path = f"/cases/{case_id}/misconduct-reports"
    report = {
        "behaviours": [Misconduct.DELAYING, Misconduct.DEMANDING],
        "subject": "精河县某局工作人员",
        "description": "签收后无故搁置，并暗示企业请客",
        "reported_to": "精河县纪委监委",
        "matter": "land-preexamination",
    }
    assert (await driver.http.post(path, json=report, headers=enterprise())).status_code == 403
    assert (await driver.http.post(path, json=report, headers=leader())).status_code == 403
    agent = coordinator()
    unknown = await driver.http.post(path, json={**report, "matter": "water-permit"}, headers=agent)
    assert unknown.status_code == 422
    none = await driver.http.post(path, json={**report, "behaviours": []}, headers=agent)
    assert none.status_code == 422

    written = await driver.post(path, report, headers=agent, expect=201)
    assert written["summary"] == (
        "发现精河县某局工作人员存在“拖、要”行为，已报告精河县纪委监委依法依规处理："
        "签收后无故搁置，并暗示企业请客"
    )
    entries = [e for e in await driver.ledger(case_id) if e["event"] == "misconduct_reported"]
    assert [e["details"]["behaviours"] for e in entries] == [["delaying", "demanding"]]
    told = await driver.http.get(
        "/notifications", params={"case_id": case_id, "recipient": "leader"}
    )
    assert "misconduct_reported" in [n["event"] for n in told.json()["items"]]
