"""政策推演 in the console, without a browser: the form in plain fields, a run learned from
the ledger followed to its result with the dashboard's charts and the XLSX, the open
deadlines a promise would move, and a typing mistake shown beside its field."""

import asyncio

import httpx
from sqlalchemy import Engine

from console.what_if_pages import change_of
from tests.api.test_console_clerks_day import _csrf, _sign_in
from tests.support.driver import CaseDriver

LAND = "land-preexamination"


def test_the_plain_fields_become_the_change_the_api_takes() -> None:
    form = {
        "name": "用地预审承诺10日",
        "matter": LAND,
        "promised_days": "10",
        "department": "bole-natural-resources",
        "staffing": "2",
        "load": "1.2",
        "corrections": "",
        "holidays": "2027-01-01\n2027/2/8，20270209",
    }
    assert change_of(form, "BZ") == {
        "name": "用地预审承诺10日",
        "packs": {"BZ": {"matters": {LAND: {"promised_days": 10}}}},
        "staffing": {"bole-natural-resources": 2.0},
        "load": 1.2,
        "corrections": 1.0,
        "calendar": {
            "2027": {
                "source": "政策推演页面填写",
                "holidays": ["2027-01-01", "2027-02-08", "2027-02-09"],
                "make_up_workdays": [],
            }
        },
    }


async def test_a_run_from_the_page_to_its_result(
    driver: CaseDriver, http: httpx.AsyncClient, engine: Engine
) -> None:
    case_id = await driver.open()  # the ledger the baseline is learned from
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, LAND, "handed_over")
    await driver.department_act(case_id, LAND, "acceptance", {})
    await _sign_in(http, engine, "li.si")
    page = await http.get("/console/what-if")
    assert page.status_code == 200 and "新建推演" in page.text
    csrf = _csrf(page.text)

    typo = {"csrf": csrf, "name": "x", "since~date": "2026-13-01", "until~date": "2026-12-31"}
    answer = await http.post("/console/what-if/runs", data=typo)
    assert answer.status_code == 422 and "请检查月份和日期" in answer.text
    assert 'value="x"' in answer.text  # what was typed is kept

    moved = await http.post(
        "/console/what-if/open-cases",
        data={"csrf": csrf, "name": "用地预审承诺10日", "matter": LAND, "promised_days": "10"},
    )
    assert moved.status_code == 200 and "会改变 1 个在办事项的期限" in moved.text
    assert case_id in moved.text

    form = {
        "csrf": csrf,
        "idempotency_key": "console-what-if-1",
        "name": "用地预审承诺10日",
        "matter": LAND,
        "promised_days": "10",
        "since~date": "2026-01-01",
        "until~date": "2030-01-01",
        "start~date": "2027-03-01",
        "weeks": "2",
        "seeds": "1",
    }
    started = await http.post("/console/what-if/runs", data=form)
    assert started.status_code == 303, started.text
    run_page = started.headers["location"]
    for _ in range(600):
        shown = await http.get(run_page)
        if "<strong>已完成</strong>" in shown.text or "<strong>失败</strong>" in shown.text:
            break
        assert 'http-equiv="refresh"' in shown.text
        await asyncio.sleep(0.1)
    assert "<strong>已完成</strong>" in shown.text, shown.text
    assert "基线与变更对照" in shown.text and "逾期事项" in shown.text
    assert '<svg class="chart"' in shown.text  # the dashboard's charts
    book = await http.get(f"{run_page}/workbook")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    listed = await http.get("/console/what-if")
    assert "用地预审承诺10日" in listed.text and "已完成" in listed.text
