"""The what-if API: a run started as its own process, followed to its result, stopped and
resumed, kept to the caller's jurisdiction, and refused clearly when the request is wrong."""

import asyncio
import io
from typing import Any

import httpx
from openpyxl import load_workbook

from tests.support.identities import coordinator, oversight

PERMIT = "construction-planning-permit"


def request(weeks: int = 1, seeds: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "规划许可承诺10日",
        "change": {
            "name": "承诺10日",
            "packs": {"BZ": {"matters": {PERMIT: {"promised_days": 10}}}},
        },
        "baseline": {
            "source": "测试",
            "start": "2027-03-01",
            "arrivals": [
                {
                    "jurisdiction": "BZ",
                    "park": "bole-jinsanjiao",
                    "per_week": 4,
                    "matter_sets": [{"matters": [PERMIT]}],
                }
            ],
            "departments": {
                "bole-natural-resources": {
                    "accept": {"median": 0.1},
                    "decide": {"median": 15},
                }
            },
        },
        "start": "2027-03-01",
        "weeks": weeks,
        "seeds": seeds,
        **overrides,
    }


async def _until(http: httpx.AsyncClient, run_id: str, *statuses: str) -> dict[str, Any]:
    for _ in range(1200):
        run = (await http.get(f"/what-if/runs/{run_id}", headers=oversight())).json()
        if run["status"] in statuses:
            return run
        await asyncio.sleep(0.1)
    raise AssertionError(f"{run_id} stayed {run['status']}: {run}")


async def test_a_run_goes_from_request_to_result_once_per_key(http: httpx.AsyncClient) -> None:
    headers = {**coordinator("BZ"), "Idempotency-Key": "what-if-run-1"}
    started = await http.post("/what-if/runs", json=request(), headers=headers)
    assert started.status_code == 201, started.text
    run_id = started.json()["run_id"]
    again = await http.post("/what-if/runs", json=request(), headers=headers)
    assert again.status_code == 200 and again.json()["run_id"] == run_id
    other = await http.post(
        "/what-if/runs",
        json=request(),
        headers={**coordinator("BZ"), "Idempotency-Key": "what-if-run-2"},
    )
    assert other.status_code == 409 and "正在运行" in other.json()["error"]["message"]

    done = await _until(http, run_id, "done", "failed")
    assert done["status"] == "done", done["error"]
    assert done["progress"] == 1.0 and done["worlds"] == 2
    figures = {f["key"]: f for f in done["comparison"]["figures"]}
    overdue, cases = figures["matters_overdue"], figures["cases"]
    assert overdue["baseline"]["mean"] == 0 and overdue["change"]["mean"] == cases["change"]["mean"]
    assert done["provisional_years"] == [2027, 2028]  # no schedule published for them yet

    listed = (await http.get("/what-if/runs", headers=coordinator("BZ"))).json()
    assert [r["run_id"] for r in listed["items"]] == [run_id] and listed["total"] == 1
    book = await http.get(f"/what-if/runs/{run_id}/workbook", headers=coordinator("BZ"))
    assert book.status_code == 200
    assert "总览" in load_workbook(io.BytesIO(book.content)).sheetnames
    # another jurisdiction's coordinator neither sees nor may start a run about 博州
    assert (await http.get(f"/what-if/runs/{run_id}", headers=coordinator("BT"))).status_code == 404
    assert (await http.get("/what-if/runs", headers=coordinator("BT"))).json()["total"] == 0
    refused = await http.post("/what-if/runs", json=request(), headers=coordinator("BT"))
    assert refused.status_code == 409 and "只能推演本辖区" in refused.json()["error"]["message"]
    resumed = await http.post(f"/what-if/runs/{run_id}/resume", headers=oversight())
    assert resumed.status_code == 409 and "已完成" in resumed.json()["error"]["message"]


async def test_a_run_stops_and_resumes_where_it_was(http: httpx.AsyncClient) -> None:
    started = await http.post("/what-if/runs", json=request(weeks=1, seeds=2), headers=oversight())
    run_id = started.json()["run_id"]
    await _until(http, run_id, "running")
    stop = await http.post(f"/what-if/runs/{run_id}/stop", headers=oversight())
    assert stop.status_code == 202
    stopped = await _until(http, run_id, "stopped", "done")
    assert stopped["status"] == "stopped" and stopped["progress"] < 1
    assert (
        await http.post(f"/what-if/runs/{run_id}/resume", headers=oversight())
    ).status_code == 202
    done = await _until(http, run_id, "done", "failed")
    assert done["status"] == "done" and done["comparison"] is not None


async def test_wrong_requests_are_refused_with_reasons(http: httpx.AsyncClient) -> None:
    both = request(learn={"since": "2026-01-01", "until": "2026-06-30"})
    answer = await http.post("/what-if/runs", json=both, headers=coordinator("BZ"))
    assert answer.status_code == 422 and "二者只能选一" in answer.text
    nothing = request(baseline=None, learn={"since": "2026-01-01", "until": "2026-02-01"})
    answer = await http.post("/what-if/runs", json=nothing, headers=coordinator("BZ"))
    assert answer.status_code == 409 and "没有受理的案件" in answer.json()["error"]["message"]
    beyond = request(
        change={"name": "x", "packs": {"BZ": {"matters": {PERMIT: {"promised_days": 99}}}}}
    )
    answer = await http.post("/what-if/runs", json=beyond, headers=coordinator("BZ"))
    assert answer.status_code == 409 and "政策包变更无效" in answer.json()["error"]["message"]
    missing = await http.get("/what-if/runs/no-such-run/workbook", headers=oversight())
    assert missing.status_code == 404
    moved = await http.post(
        "/what-if/open-cases", json={"change": request()["change"]}, headers=oversight()
    )
    assert moved.status_code == 200 and moved.json()["items"] == []
