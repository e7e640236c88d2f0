"""The console's own rules, without a browser: who gets which page, the cookie and the
form token, Chinese answers to a bad 委托书, and the case list's search and order."""

import httpx
import pytest
from sqlalchemy import Engine
from starlette.datastructures import FormData

from bench.oversight_queries import generate
from console.forms import nest
from store import accounts, projection
from tests.support.driver import CaseDriver
from tests.support.identities import sign_in_form

PASSWORD = "console-test-password-1"


async def _sign_in(
    http: httpx.AsyncClient, engine: Engine, username: str, next: str = ""
) -> httpx.Response:
    accounts.set_password(engine, username, PASSWORD)
    form = {"username": username, "password": PASSWORD, "next": next}
    return await http.post("/console/sign-in", data={**form, **await sign_in_form(http)})


@pytest.fixture
async def browser(driver: CaseDriver) -> httpx.AsyncClient:
    """The API client without its ops token: the console knows people by their cookie."""
    driver.http.headers.pop("Authorization", None)
    return driver.http


async def test_a_stranger_is_sent_to_sign_in_and_back(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    page = await browser.get("/console/cases?stage=planning")
    assert page.status_code == 303
    assert page.headers["location"] == "/console/sign-in?next=/console/cases"

    signed = await _sign_in(browser, engine, "li.si")
    assert signed.status_code == 303 and signed.headers["location"] == "/console/cases"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert (await browser.get("/console/cases")).status_code == 200

    # Only a console address is a place to go back to after signing in.
    away = await _sign_in(browser, engine, "li.si", next="//evil.example/console/")
    assert away.headers["location"] == "/console/cases"


async def test_a_sign_in_posted_from_another_site_signs_nobody_in(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    """Login CSRF: without the page's cookie and form token the post is refused."""
    accounts.set_password(engine, "li.si", PASSWORD)
    forged = await browser.post(
        "/console/sign-in", data={"username": "li.si", "password": PASSWORD, "next": ""}
    )
    assert forged.status_code == 403
    assert "daiban_session" not in forged.headers.get("set-cookie", "")
    stolen = await sign_in_form(browser)
    browser.cookies.clear()  # a token copied to another browser, without its cookie
    replayed = await browser.post(
        "/console/sign-in",
        data={"username": "li.si", "password": PASSWORD, "next": "", **stolen},
    )
    assert replayed.status_code == 403


async def test_console_pages_carry_the_security_headers(browser: httpx.AsyncClient) -> None:
    page = await browser.get("/console/sign-in")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    api = await browser.get("/health")
    assert api.headers["x-content-type-options"] == "nosniff"


async def test_a_form_without_its_token_does_nothing(
    browser: httpx.AsyncClient, driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    await _sign_in(browser, engine, "li.si")
    forged = await browser.post(
        f"/console/cases/{case_id}/act/review",
        data={"decision": "refuse", "reasons~lines": "不符合条件", "csrf": "guess"},
    )
    assert forged.status_code == 403
    assert "表单已过期或来源不明" in forged.text
    browser.headers["Authorization"] = await _token(browser, "li.si")
    assert (await driver.status(case_id))["stage"] == "initial_review"


async def _token(http: httpx.AsyncClient, username: str) -> str:
    answer = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
    return f"Bearer {answer.json()['access_token']}"


async def test_each_role_lands_on_its_own_page_and_is_refused_the_others(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    await _sign_in(browser, engine, "clerk.bole-natural-resources")
    assert (await browser.get("/console")).headers["location"] == "/console/inbox"
    assert (await browser.get("/console/inbox")).status_code == 200
    refused = await browser.get("/console/cases/new")
    assert refused.status_code == 403 and "只有园区管委会代办人员或企业可以提交委托" in refused.text
    dashboard = await browser.get("/console/dashboard")
    assert dashboard.status_code == 403

    await _sign_in(browser, engine, "gxj.chen")
    assert (await browser.get("/console")).headers["location"] == "/console/dashboard"
    assert (await browser.get("/console/dashboard")).status_code == 200
    assert (await browser.get("/console/inbox")).status_code == 403


async def test_a_bad_entrustment_is_answered_in_chinese_beside_each_field(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    await _sign_in(browser, engine, "li.si")
    form = (await browser.get("/console/cases/new")).text
    csrf = form.split('name="csrf" value="')[1].split('"')[0]
    answer = await browser.post(
        "/console/cases/new",
        data={
            "csrf": csrf,
            "idempotency_key": "k-1",
            "enterprise.name": "博",
            "enterprise.uscc": "91350100M000100Y40",
            "contact.name": "张三",
            "contact.phone": "12345",
            "scope": "full",
            "period.start": "2026-11-23",
            "period.end": "2026-11-01",
        },
    )
    assert answer.status_code == 422
    page = answer.text
    for message in ("至少2个字符", "格式不正确", "必填", "至少委托一个事项或一件事套餐"):
        assert message in page, message
    assert 'id="f-enterprise-uscc-error"' in page and "校验" in page
    assert 'value="博"' in page  # what the person typed stays in the form


async def test_the_case_list_puts_overdue_cases_first_and_searches(engine: Engine) -> None:
    generate(engine, 300)
    rows, total = projection.list_cases(engine, projection.CaseFilter(), offset=0, limit=300)
    flags = [overdue for _, overdue in rows]
    assert total == 300 and any(flags) and not all(flags)
    assert flags == sorted(flags, reverse=True)
    late, late_total = projection.list_cases(
        engine, projection.CaseFilter(overdue=True), offset=0, limit=300
    )
    assert late_total == sum(flags) and all(overdue for _, overdue in late)

    found, _ = projection.list_cases(
        engine, projection.CaseFilter(search="企业12"), offset=0, limit=50
    )
    assert {row.enterprise_name for row, _ in found} == {
        "企业12",
        *(f"企业12{n}" for n in range(10)),
    }
    nothing, none = projection.list_cases(
        engine, projection.CaseFilter(search="企业%"), offset=0, limit=50
    )
    assert nothing == [] and none == 0  # a % typed is a %, not a wildcard


def test_form_names_are_the_api_fields() -> None:
    form = FormData(
        [
            ("csrf", "x"),
            ("agent.name", "王五"),
            ("agent.phone", ""),
            ("matters.1.matter", "b"),
            ("matters.0.matter", "a"),
            ("matters.0.materials~lines", "申请书\r\n\r\n 营业执照 "),
            ("choices", "p"),
            ("choices", "q"),
        ]
    )
    assert nest(form) == {
        "agent": {"name": "王五"},
        "matters": [{"matter": "a", "materials": ["申请书", "营业执照"]}, {"matter": "b"}],
        "choices": ["p", "q"],
    }


async def test_a_department_s_task_page_shows_its_corrections_and_what_it_may_do_now(
    driver: CaseDriver, engine: Engine
) -> None:
    """The task page answered 500 once a matter had a 补正 (it read a round's items as the
    dict's method); and it offers what domain.permitted allows in each state."""
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    matter = "land-preexamination"
    await driver.wait_for_matter(case_id, matter, "handed_over")
    await driver.department_act(case_id, matter, "acceptance", {})
    await driver.department_act(case_id, matter, "correction-request", {"items": ["用地红线图"]})
    driver.http.headers.pop("Authorization", None)
    await _sign_in(driver.http, engine, "clerk.bole-natural-resources")

    page = await driver.http.get(f"/console/inbox/{case_id}/{matter}")
    assert page.status_code == 200, page.text
    assert "第1次补正：用地红线图（待补正）" in page.text
    assert "等待企业经代办专员补正材料" in page.text
    assert "/act/approval" not in page.text and "/act/correction-request" not in page.text


async def test_a_client_request_id_is_kept_only_if_it_looks_like_one(
    browser: httpx.AsyncClient,
) -> None:
    kept = await browser.get("/health", headers={"X-Request-ID": "gateway-7f3a.42"})
    assert kept.headers["x-request-id"] == "gateway-7f3a.42"
    for sent in ("x" * 8000, "a b", "<script>", ""):
        replaced = await browser.get("/health", headers={"X-Request-ID": sent})
        assert replaced.headers["x-request-id"] != sent
        assert len(replaced.headers["x-request-id"]) == 32


async def test_the_cookie_is_secure_when_the_setting_says_so(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    """Behind a proxy that ends TLS the API sees http: the setting, not the scheme, decides."""
    app = browser._transport.app
    app.state.settings = app.state.settings.model_copy(update={"cookie_secure": True})
    signed = await _sign_in(browser, engine, "li.si")
    assert "Secure" in signed.headers["set-cookie"]


async def test_the_plan_form_starts_from_each_matters_checklist(
    browser: httpx.AsyncClient, driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)  # as the coordinator's token, through the API
    await _sign_in(browser, engine, "li.si")
    page = (await browser.get(f"/console/cases/{case_id}")).text
    assert "公司登记申请书\n公司章程\n股东主体资格证明" in page  # 企业设立登记's checklist


async def test_a_leader_in_charge_reads_cases_in_the_console_and_is_offered_no_action(
    browser: httpx.AsyncClient, driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    signed = await _sign_in(browser, engine, "leader.bz")
    assert signed.headers["location"] == "/console/cases"
    assert case_id in (await browser.get("/console/cases")).text
    page = await browser.get(f"/console/cases/{case_id}")
    assert page.status_code == 200
    assert "/act/" not in page.text  # read-only


async def test_a_department_confirms_supplied_deferred_items_on_its_task_page(
    driver: CaseDriver, engine: Engine
) -> None:
    """容缺: the result held for the deferred items is issued from the task page, once the
    department has checked what the agent supplied."""
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    matter = "land-preexamination"
    await driver.wait_for_matter(case_id, matter, "handed_over")
    deferral = {"deferred_items": ["环评批复"], "supply_by": "2026-12-30"}
    await driver.department_act(case_id, matter, "acceptance", deferral)
    await driver.department_act(case_id, matter, "approval", {"result_reference": "博1号"})
    await driver.post(
        f"/cases/{case_id}/matters/{matter}/deferred-materials", {"materials": ["环评批复"]}
    )
    driver.http.headers.pop("Authorization", None)
    await _sign_in(driver.http, engine, "clerk.bole-natural-resources")

    page = (await driver.http.get(f"/console/inbox/{case_id}/{matter}")).text
    assert "确认容缺材料" in page and "代办专员已补齐：环评批复" in page
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    act = f"/console/inbox/{case_id}/{matter}/act/deferred-materials-confirmation"
    refused = await driver.http.post(act, data={"csrf": csrf, "confirmed": "false"})
    assert refused.status_code == 422 and "退回容缺材料须说明理由" in refused.text
    done = await driver.http.post(act, data={"csrf": csrf, "confirmed": "true"})
    assert done.status_code == 303, done.text
    page = (await driver.http.get(done.headers["location"])).text
    assert "容缺材料确认结果已登记" in page and "确认容缺材料</h3>" not in page
