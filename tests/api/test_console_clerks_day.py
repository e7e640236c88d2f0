"""The clerk's day in the console, without a browser: the 待办 page and its filters,
clocks on the case's and the task's first screen with the deadline explained, the
message centre's unread count and mark-read, bulk 受理 in the inbox, dates typed the way
clerks type them."""

import httpx
import pytest
from sqlalchemy import Engine
from starlette.datastructures import FormData

from console.api import ApiProblem
from console.forms import nest
from domain.dates import chinese_dates, day_text, parse_day, time_text
from store import accounts
from tests.support.driver import CaseDriver
from tests.support.identities import sign_in_form

PASSWORD = "console-test-password-1"
LAND = "land-preexamination"
CLERK = "clerk.bole-natural-resources"


async def _sign_in(http: httpx.AsyncClient, engine: Engine, username: str) -> None:
    accounts.set_password(engine, username, PASSWORD)
    form = {"username": username, "password": PASSWORD, "next": ""}
    answer = await http.post("/console/sign-in", data={**form, **await sign_in_form(http)})
    assert answer.status_code == 303


def _csrf(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]


@pytest.mark.parametrize(
    "typed",
    ["2027-06-30", "2027/6/30", "20270630", "2027年6月30日", "２０２７／６／３０", " 2027.6.30 "],
)
def test_a_date_is_read_the_way_clerks_type_it(typed: str) -> None:
    assert parse_day(typed).isoformat() == "2027-06-30"


def test_a_date_that_is_not_one_is_refused_beside_its_field() -> None:
    for typed, words in [("70630", "不是日期"), ("2027-02-30", "没有2027年2月30日这一天")]:
        with pytest.raises(ValueError, match=words):
            parse_day(typed)
    assert nest(FormData([("period.end~date", "2027/6/30")])) == {"period": {"end": "2027-06-30"}}
    with pytest.raises(ApiProblem) as refused:
        nest(FormData([("period.end~date", "20270230")]))
    assert refused.value.field_errors == {"period.end": "没有2027年2月30日这一天，请检查月份和日期"}
    assert day_text("2027-06-30") == "2027年6月30日"
    assert (
        chinese_dates("办理期限2026-12-31，文号2026-123456")
        == "办理期限2026年12月31日，文号2026-123456"
    )
    assert time_text("2026-12-02T02:05:00+00:00") == "2026年12月2日 10:05"


async def test_the_clerks_day_in_the_console(driver: CaseDriver, engine: Engine) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, LAND, "handed_over")
    http = driver.http
    http.headers.pop("Authorization", None)

    # The department: the hand-over first in its inbox, with the enterprise and project.
    await _sign_in(http, engine, CLERK)
    inbox = await http.get("/console/inbox")
    assert inbox.status_code == 200 and "待受理（移交后24小时内，" in inbox.text
    assert "前，<strong>剩2" in inbox.text  # 23 of its 24 hours left
    assert f'value="{case_id}|{LAND}"' in inbox.text and "博乐" in inbox.text
    work = await http.get("/console/work")
    assert work.status_code == 200 and "签收移交" in work.text and "小时" in work.text
    assert 'href="/console/work"' in work.text  # the header's 待办
    accepted = await http.post(
        "/console/inbox/bulk/acceptance",
        data={
            "csrf": _csrf(inbox.text),
            "idempotency_key": "bulk-c-1",
            "task": f"{case_id}|{LAND}",
        },
    )
    assert accepted.status_code == 200 and "成功 1 项" in accepted.text
    none_ticked = await http.post(
        "/console/inbox/bulk/acceptance", data={"csrf": _csrf(inbox.text), "idempotency_key": "x"}
    )
    assert none_ticked.status_code == 422 and "请先勾选要办理的事项" in none_ticked.text
    task = await http.get(f"/console/inbox/{case_id}/{LAND}")
    assert "办理期限是怎样算出的" in task.text and "受理当日不计入" in task.text
    assert "剩" in task.text and "个工作日" in task.text

    # The coordinator: the case's clocks on its first screen, each deadline explained.
    await _sign_in(http, engine, "li.si")
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert page.index('id="clocks-h"') < page.index('id="facts-h"')
    assert f"/console/cases/{case_id}/clocks/matter_deadline?matter={LAND}" in page
    explained = await http.get(
        f"/console/cases/{case_id}/clocks/matter_deadline", params={"matter": LAND}
    )
    assert explained.status_code == 200 and "自次日起算" in explained.text
    hand_off = await http.get(
        f"/console/cases/{case_id}/clocks/hand_off", params={"matter": "enterprise-registration"}
    )
    assert hand_off.status_code == 200 and "受理时限：24小时" in hand_off.text
    cases = await http.get("/console/cases")
    row = cases.text.split(f'href="/console/cases/{case_id}"')[1].split("</tr>")[0]
    assert "最近时限" in cases.text and 'class="mark mark-' in row and "小时" in row

    # Filters: an unknown kind and a date that is none are named; a page past the end
    # shows the last one.
    wrong = await http.get("/console/work", params={"kind": "nonsense"})
    assert wrong.status_code == 422 and "没有“nonsense”这类时限" in wrong.text
    bad_day = await http.get("/console/work", params={"due_before": "2027-13-01"})
    assert bad_day.status_code == 422 and "没有2027年13月1日这一天" in bad_day.text
    typed = await http.get("/console/work", params={"due_before": "20991231"})
    assert typed.status_code == 200 and "办理时限" in typed.text
    far = await http.get("/console/work", params={"page": "99"})
    assert "第 99 /" not in far.text
    done = await http.get("/console/work", params={"tab": "done"})
    assert done.status_code == 200
    nothing = await http.get("/console/work", params={"tab": "overdue", "kind": "budget"})
    assert "没有符合筛选条件的时限" in nothing.text

    # The message centre: an unread count in the header, marked read once.
    notices = await http.get("/console/notifications")
    assert 'class="count-badge"' in notices.text and "标为已读" in notices.text
    read_all = await http.post(
        "/console/notifications/read", data={"csrf": _csrf(notices.text), "all": "yes"}
    )
    assert read_all.status_code == 303
    after = await http.get(read_all.headers["location"])
    assert "已标为已读" in after.text and 'class="count-badge"' not in after.text
    unread = await http.get("/console/notifications", params={"unread": "true"})
    assert "没有未读消息" in unread.text
