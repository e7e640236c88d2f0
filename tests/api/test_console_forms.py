"""The console's forms drawn from the API's request models: every action a role may take
on a case or a task, reached from its page, its refusals shown beside the form."""

from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import Engine

from domain.clock import BUSINESS_ZONE
from tests.api.test_baotou import _open as _open_baotou
from tests.api.test_console import _sign_in
from tests.api.test_heshuo import _heshuo
from tests.api.test_heshuo import _open as _open_heshuo
from tests.support.driver import OPENED_CASES, CaseDriver
from tests.support.identities import coordinator, department
from tests.support.identities import enterprise as enterprise_headers
from tests.support.polling import eventually
from tests.workflows.test_cross_county import open_wutai_case


def _today() -> date:
    return datetime.now(BUSINESS_ZONE).date()  # the test server starts at the real time


def _csrf(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]


async def _post_from(http: httpx.AsyncClient, page: str, action: str, data: dict) -> httpx.Response:
    """Send a form as a person does: the page first (for its form token), then the form."""
    token = _csrf((await http.get(page)).text)
    return await http.post(action, data={"csrf": token, **data})


async def _act(http: httpx.AsyncClient, case_id: str, action: str, data: dict) -> httpx.Response:
    page = f"/console/cases/{case_id}"
    return await _post_from(http, page, f"{page}/act/{action}", data)


async def test_coordination_meetings_escalation_and_the_leaders_answer_in_the_console(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    await driver.department_act(case_id, land, "acceptance", {})
    await driver.department_act(case_id, land, "correction-request", {"items": ["用地红线图"]})
    await driver.wait_for(case_id, lambda s: s["problems"], "the coordination problem")
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "li.si")

    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "协调事项1：记录协调情况" in page and "报告违纪违法行为" in page
    assert 'name="meeting.resolutions.0.owner"' in page
    ids = [chunk.split('"')[0] for chunk in page.split(' id="')[1:]]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]

    refused = await _act(http, case_id, "problems/1/coordination", {"what": "电话协调"})
    assert refused.status_code == 422
    # refused: the typed words come back, the error beside the field in the form's words
    assert "协调对象（每行一个）：" in refused.text and "电话协调</textarea>" in refused.text
    done = await _act(
        http,
        case_id,
        "problems/1/coordination",
        {
            "what": "召开专项协调会",
            "with_whom~lines": "博乐市自然资源局\n企业",
            "outcome": "议定补充红线图",
            "meeting.held_on": "2026-11-20",
            "meeting.participants~lines": "博乐市自然资源局\n博乐市住建局",
            "meeting.resolutions.0.text": "补测用地红线",
            "meeting.resolutions.0.owner": "博乐市自然资源局",
            "meeting.resolutions.0.due_on": "2026-12-20",
        },
    )
    assert done.status_code == 303, done.text
    page = (await http.get(done.headers["location"])).text
    assert "补测用地红线（博乐市自然资源局，2026-12-20前）" in page
    escalated = await _act(http, case_id, "problems/1/escalation", {"reason": "测绘单位排期过长"})
    assert escalated.status_code == 303, escalated.text

    http.cookies.clear()
    await _sign_in(http, engine, "leader.bz")
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "批示协调事项1" in page
    answered = await _act(
        http, case_id, "problems/1/leader-answer", {"instruction": "请自然资源局三日内完成"}
    )
    assert answered.status_code == 303, answered.text
    http.cookies.clear()
    await _sign_in(http, engine, "li.si")
    closed = await _act(
        http, case_id, "problems/1/resolutions/1/closing", {"outcome": "红线图已补测"}
    )
    assert closed.status_code == 303, closed.text
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "领导批示：请自然资源局三日内完成" in page and "已办结，红线图已补测" in page
    http.headers["Authorization"] = token
    events = [e["event"] for e in await driver.ledger(case_id)]
    for event in ("coordination_recorded", "coordination_escalated", "escalation_answered"):
        assert events.count(event) == 1, event


async def _task_act(
    http: httpx.AsyncClient, case_id: str, matter: str, verb: str, data: dict
) -> httpx.Response:
    page = f"/console/inbox/{case_id}/{matter}"
    return await _post_from(http, page, f"{page}/act/{verb}", data)


async def test_a_department_takes_every_clock_action_and_decides_with_fees_on_its_task_page(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    land = "land-preexamination"
    await driver.wait_for_matter(case_id, land, "handed_over")
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "clerk.bole-natural-resources")

    page = (await http.get(f"/console/inbox/{case_id}/{land}")).text
    assert "受理（可容缺受理）" in page and 'name="supply_by~date"' in page
    half = await _task_act(http, case_id, land, "acceptance", {"deferred_items~lines": "环评批复"})
    assert half.status_code == 422 and "容缺受理须同时列明暂缺材料和补齐期限" in half.text
    assert "环评批复</textarea>" in half.text  # what was typed is still there
    accepted = await _task_act(
        http,
        case_id,
        land,
        "acceptance",
        {"deferred_items~lines": "环评批复", "supply_by": str(_today() + timedelta(days=7))},
    )
    assert accepted.status_code == 303, accepted.text
    for verb, data in (
        ("clock-suspension", {"reason": "expert_review", "note": "组织专家评审"}),
        ("clock-resumption", {"note": "评审结束"}),
        ("extension", {"days": "5", "reason": "情况复杂", "explanation": "需补充现场核查"}),
    ):
        done = await _task_act(http, case_id, land, verb, data)
        assert done.status_code == 303, (verb, done.text)
    page = (await http.get(f"/console/inbox/{case_id}/{land}")).text
    assert "暂停计时：专家评审，组织专家评审" in page and "已延长5日：情况复杂" in page
    approved = await _task_act(
        http,
        case_id,
        land,
        "approval",
        {
            "result_reference": "博自然资预〔2026〕9号",
            "fees.0.item": "土地复垦费",
            "fees.0.amount_yuan": "1200",
        },
    )
    assert approved.status_code == 303, approved.text
    http.headers["Authorization"] = token
    status = await driver.status(case_id)
    matter = next(m for m in status["matters"] if m["code"] == land)
    assert matter["state"] == "result_held"  # held for the deferred 环评批复
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "matter_approved")
    assert entry["summary"].endswith("法定费用由申请人自行缴纳：土地复垦费1200元")


async def test_a_baotou_case_is_planned_in_the_console_with_its_three_level_team(
    driver: CaseDriver, engine: Engine
) -> None:
    """包头 cases stopped after 初审: the plan form had no team, and 三包一 refused it."""
    case_id, _ = await _open_baotou(driver, matters=["water-connection"])
    await driver.accept(case_id)
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "city.0")
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "三包一：每级2至3名" in page and "旗县区级第3人" in page
    plan_form = {
        "agent.id": "city.0",
        "agent.name": "王五",
        "agent.phone": "13900000000",
        "matters.0.matter": "water-connection",
        "matters.0.materials~lines": "用水申请表",
        "matters.0.planned_start": str(_today()),
        "matters.0.planned_finish": str(_today() + timedelta(days=10)),
    }
    rows = {}
    for n, level in enumerate(["city"] * 3 + ["county"] * 3 + ["park"] * 3):
        rows[f"team.{n}.level~fixed"] = level
    too_few = {
        **plan_form,
        **rows,
        "team.0.id": "city.0",
        "team.0.name": "甲",
        "team.0.phone": "13900000001",
    }
    refused = await _act(http, case_id, "plan", too_few)
    assert refused.status_code == 409 and "三包一" in refused.text
    assert 'value="甲"' in refused.text  # the typed team came back
    for n in (0, 1, 3, 4, 6, 7):
        rows |= {
            f"team.{n}.id": f"a{n}",
            f"team.{n}.name": f"人{n}",
            f"team.{n}.phone": "13900000001",
        }
    done = await _act(http, case_id, "plan", {**plan_form, **rows})
    assert done.status_code == 303, done.text
    http.headers["Authorization"] = token
    entry = next(e for e in await driver.ledger(case_id) if e["event"] == "plan_agreed")
    levels = [m["level"] for m in entry["details"]["plan"]["team"]]
    assert levels == ["city", "city", "county", "county", "park", "park"]


async def _new_case(http: httpx.AsyncClient, data: dict) -> httpx.Response:
    page = (await http.get("/console/cases/new")).text
    start = str(_today())
    base = {"scope": "full", "period.start": start, "period.end": "2027-06-30"}
    return await http.post(
        "/console/cases/new", data={"csrf": _csrf(page), "idempotency_key": "", **base, **data}
    )


async def test_the_application_form_has_each_packs_own_fields(
    driver: CaseDriver, engine: Engine
) -> None:
    """和硕: approval level and the other eligibility facts, or a resident applicant; 包头:
    一件事一次办 bundles. Without them every 和硕 project was ineligible from the console."""
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "ma.li")  # 和硕's centre agent
    page = (await http.get("/console/cases/new")).text
    assert "审批层级" in page and "居民身份证号码" in page and "高耗能" in page
    project = {
        "enterprise.name": "和硕示例矿业有限公司",
        "enterprise.uscc": "91350100M000100Y43",
        "contact.name": "张三",
        "contact.phone": "13800000000",
        "park": "heshuo-service-centre",
        "project.name": "年产10万吨项目",
        "project.investment_wan_yuan": "800",
        "project.industry": "矿业",
        "project.approval_level": "county",
        "matters": "land-preexamination",
    }
    opened = await _new_case(http, project)
    assert opened.status_code == 303, opened.text
    case_id = opened.headers["location"].split("/")[-1].split("?")[0]
    resident = {
        "resident.name": "阿依古丽",
        "resident.id_number": "110101199003074477",
        "resident.mobility_impaired": "true",
        "contact.name": "阿依古丽",
        "contact.phone": "13800000000",
        "park": "heshuo-service-centre",
        "matters": "pension-benefit-claim",
    }
    served = await _new_case(http, resident)
    assert served.status_code == 303, served.text
    resident_case = served.headers["location"].split("/")[-1].split("?")[0]

    http.cookies.clear()
    await _sign_in(http, engine, "city.0")  # 包头
    page = (await http.get("/console/cases/new")).text
    assert "企业开办一件事" in page
    bundle = {
        **{k: v for k, v in project.items() if not k.startswith("project.approval")},
        "park": "baotou-jiuyuan",
        "bundles": "enterprise-opening",
    }
    del bundle["matters"]
    bundled = await _new_case(http, bundle)
    assert bundled.status_code == 303, bundled.text
    bundle_case = bundled.headers["location"].split("/")[-1].split("?")[0]

    http.headers["Authorization"] = token
    for opened_id in (case_id, resident_case, bundle_case):
        OPENED_CASES.append(opened_id)
    status = await driver.status(case_id)
    assert status["application"]["project"]["approval_level"] == "county"
    assert status["eligibility"]["eligible"] is True
    resident_status = await driver.status(resident_case)
    assert resident_status["application"]["resident"]["mobility_impaired"] is True
    assert resident_status["eligibility"]["eligible"] is True
    codes = [m["code"] for m in (await driver.status(bundle_case))["matters"]]
    assert "enterprise-registration" in codes and "seal-engraving" in codes


async def test_the_rating_form_presets_nothing_and_a_bad_rating_says_why(
    driver: CaseDriver, engine: Engine
) -> None:
    """满意 and 5/5/5 were pre-set, and a 不满意 was stored with 5/5/5."""
    case_id = await driver.registration_only_case_at_delivery()
    await driver.post(f"/cases/{case_id}/delivery", {})
    await driver.post(
        f"/cases/{case_id}/receipt", {"signed_by": "张三"}, headers=enterprise_headers()
    )
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "zhang.san")
    page = (await http.get(f"/console/cases/{case_id}")).text
    form = page[page.find("服务评价（好差评）") :]
    assert " checked" not in form[: form.find("</form>")]
    assert '<option value="">请选择</option>' in form
    unrated = await _act(http, case_id, "evaluation", {})
    assert unrated.status_code == 422 and "总体评价" in unrated.text
    bad = {"level": "不满意", "efficiency": "2", "quality": "2", "problem_solving": "1"}
    refused = await _act(http, case_id, "evaluation", bad)
    assert refused.status_code == 422 and "差评须写明不满意的原因" in refused.text
    assert 'value="不满意" checked' in refused.text  # the choice stays
    rated = await _act(http, case_id, "evaluation", {**bad, "comments": "材料被退回三次"})
    assert rated.status_code == 303, rated.text
    http.headers["Authorization"] = token
    evaluated = next(e for e in await driver.ledger(case_id) if e["event"] == "case_evaluated")
    assert evaluated["details"]["efficiency"] == 2 and evaluated["details"]["level"] == "不满意"


async def test_a_person_changes_their_own_password_in_the_console(
    driver: CaseDriver, engine: Engine
) -> None:
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "coord.bole-wutai")
    page = (await http.get("/console/password")).text
    csrf = _csrf(page)
    current = "console-test-password-1"
    mismatch = {"current_password": current, "new_password": "new-pass-2026", "csrf": csrf}
    refused = await http.post("/console/password", data={**mismatch, "repeated_password": "x"})
    assert refused.status_code == 422 and "两次输入的新密码不一致" in refused.text
    weak = {**mismatch, "new_password": "short", "repeated_password": "short"}
    refused = await http.post("/console/password", data=weak)
    assert refused.status_code == 422 and "密码至少10位" in refused.text
    changed = await http.post(
        "/console/password", data={**mismatch, "repeated_password": "new-pass-2026"}
    )
    assert changed.status_code == 303 and changed.headers["location"].endswith("done=password")
    page = (await http.get(changed.headers["location"])).text
    assert "密码已修改，请用新密码登录" in page
    assert (await http.get("/console/cases")).status_code == 303  # the old session ended
    http.headers["Authorization"] = token


async def test_initial_review_in_the_console_amends_the_application_and_accepts_part(
    driver: CaseDriver, engine: Engine
) -> None:
    """和硕: the approval level was left out; the agent fills it in (修改委托书), then
    accepts the eligible matter and excludes the other with its reason (部分受理)."""
    body = _heshuo(["land-preexamination", "enterprise-registration"], investment_wan_yuan="800")
    case_id = await _open_heshuo(driver, body)
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "ma.li")
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "修改委托书" in page and "部分受理" in page
    form = (await http.get(f"/console/cases/{case_id}/amendment")).text
    assert 'value="年产1万吨新材料项目"' in form and "修改原因" in form
    fields = {
        "csrf": _csrf(form),
        "enterprise.name": body["enterprise"]["name"],
        "enterprise.uscc": body["enterprise"]["uscc"],
        "contact.name": "张三",
        "contact.phone": "13800000000",
        "project.name": body["project"]["name"],
        "project.investment_wan_yuan": "800",
        "project.industry": body["project"]["industry"],
        "project.approval_level": "county",
        "matters": ["land-preexamination", "enterprise-registration"],
        "scope": "full",
        "period.start": body["period"]["start"],
        "period.end": body["period"]["end"],
    }
    unexplained = await http.post(f"/console/cases/{case_id}/amendment", data=fields)
    assert unexplained.status_code == 422 and "修改原因" in unexplained.text
    assert 'value="county" selected' in unexplained.text  # kept
    amended = await http.post(
        f"/console/cases/{case_id}/amendment", data={**fields, "reason": "补填审批层级"}
    )
    assert amended.status_code == 303, amended.text
    reviewed = await _act(
        http,
        case_id,
        "review",
        {
            "decision": "accept",
            "materials_received~lines": "申请表",
            "excluded.0.matter~fixed": "land-preexamination",
            "excluded.1.matter~fixed": "enterprise-registration",
            "excluded.1.reason": "企业已自行办理设立登记",
        },
    )
    assert reviewed.status_code == 303, reviewed.text
    http.headers["Authorization"] = token
    status = await driver.status(case_id)
    assert [m["code"] for m in status["matters"]] == ["land-preexamination"]
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert "application_amended" in events and "application_accepted" in events


async def test_an_industry_office_pushes_its_project_list_from_its_own_account(
    driver: CaseDriver, engine: Engine
) -> None:
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "clerk.ordos-industry-office")
    page = (await http.get("/console/project-lists")).text
    assert "推送签约项目清单" in page and 'name="projects.0.enterprise.uscc"' in page
    assert 'name="office"' not in page  # the office is the account's own
    project = {
        "park": "ordos-hitech",
        "projects.0.enterprise.name": "鄂尔多斯示例光伏有限公司",
        "projects.0.enterprise.uscc": "91350100M000100Y43",
        "projects.0.contact.name": "张三",
        "projects.0.contact.phone": "13800000000",
        "projects.0.project.name": "光伏组件项目",
        "projects.0.project.investment_wan_yuan": "5000",
        "projects.0.project.industry": "新能源",
        "projects.0.period.start": str(_today()),
        "projects.0.period.end": "2027-06-30",
    }
    csrf = _csrf(page)
    none = await http.post("/console/project-lists", data={"csrf": csrf, **project})
    assert none.status_code == 422 and "光伏组件项目" in none.text  # kept, matters missing
    pushed = await http.post(
        "/console/project-lists",
        data={"csrf": csrf, **project, "projects.0.matters~list": "land-preexamination"},
    )
    assert pushed.status_code == 303, pushed.text
    http.headers["Authorization"] = token
    ordos = coordinator("ORD")

    async def listed() -> list:
        found = await http.get("/cases", params={"q": "光伏组件项目"}, headers=ordos)
        return found.json()["items"]

    cases = await eventually(listed, "the pushed project's case in the list")
    assert len(cases) == 1
    case_id = cases[0]["case_id"]
    OPENED_CASES.extend([case_id, f"{case_id}/land-preexamination"])
    received = (await http.get(f"/cases/{case_id}/ledger", headers=ordos)).json()["items"][0]
    assert received["actor"]["id"] == "clerk.ordos-industry-office"


async def test_irreversible_actions_ask_first_and_errors_are_chinese_pages(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "li.si")
    for page in (await http.get("/console/nowhere"), await http.put("/console/cases")):
        assert page.status_code in (404, 405) and page.headers["content-type"].startswith(
            "text/html"
        )
        assert "返回首页" in page.text and '"error"' not in page.text
    refuse = {"decision": "refuse", "reasons~lines": "不属于代办范围"}
    unconfirmed = await _act(http, case_id, "review", refuse)
    assert unconfirmed.status_code == 409 and "请勾选确认" in unconfirmed.text
    terminate = {
        "cause": "enterprise_request",
        "reason": "企业决定自行办理",
        "signed_by": "张三",
    }
    unconfirmed = await _act(http, case_id, "termination", terminate)
    assert unconfirmed.status_code == 409 and "请勾选确认" in unconfirmed.text
    confirmed = await _act(http, case_id, "termination", {**terminate, "confirm": "yes"})
    assert confirmed.status_code == 303, confirmed.text
    http.headers["Authorization"] = token
    events = [e["event"] for e in await driver.ledger(case_id)]
    assert "case_terminated" in events and "application_refused" not in events


async def test_the_enterprise_reads_its_progress_in_words_and_who_read_its_materials(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    await driver.department_act(case_id, "land-preexamination", "acceptance", {})
    await driver.http.get(
        f"/departments/bole-natural-resources/tasks/{case_id}/land-preexamination",
        headers=department("bole-natural-resources"),
    )
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "zhang.san")
    page = (await http.get(f"/console/cases/{case_id}")).text
    ledger = page[page.find('id="ledger-h"') :]
    assert "博乐市自然资源局" in ledger and "代办专员" in ledger
    assert "clerk.bole-natural-resources" not in page and "li.si" not in ledger
    assert "谁查阅了材料" in page and "部门待办（申请材料）" in page
    http.headers["Authorization"] = token


async def test_the_special_team_filters_exports_as_filtered_and_reads_a_timeline(
    driver: CaseDriver, engine: Engine
) -> None:
    """The XLSX and PDF exports ignored the filters: 8 rows where the list showed 1."""
    quiet = await open_wutai_case(driver)
    stalled = await open_wutai_case(driver)
    await driver.post(
        f"/cases/{stalled}/stall-reports",
        {"matter": "land-preexamination", "description": "精河县自然资源局未签收"},
        expect=201,
    )
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "gxj.chen")
    page = (await http.get("/console/dashboard", params={"pending_coordination": "true"})).text
    assert stalled in page and quiet not in page
    assert "pending_coordination=true" in page  # the export links carry the filter
    csv_link = "/console/tracking-table.csv?cross_county=true&pending_coordination=true"
    rows = (await http.get(csv_link)).content.decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith(stalled)
    everything = (await http.get("/console/tracking-table.csv?cross_county=true")).content
    assert len(everything.decode("utf-8-sig").splitlines()) == 3
    timeline = (await http.get(f"/console/dashboard/cases/{stalled}/timeline")).text
    assert "<h2" in timeline and "精河县" in timeline and "博乐市" in timeline
    http.headers["Authorization"] = token


async def test_a_changji_plan_names_intermediaries_and_shows_the_budget_and_notices(
    driver: CaseDriver, engine: Engine
) -> None:
    """昌吉: the investor alone chooses an intermediary, and the case runs within 100
    working days; the plan form has both, and the notices have a page."""
    case_id = await driver.open(
        jurisdiction="CJ", park="changji-investment-zone", matters=["energy-review"]
    )
    await driver.accept(case_id)
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "zhao.liu")
    page = (await http.get(f"/console/cases/{case_id}")).text
    assert "需要的中介机构" in page
    form = {
        "agent.id": "zhao.liu",
        "agent.name": "赵六",
        "agent.phone": "13900000000",
        "matters.0.matter": "energy-review",
        "matters.0.materials~lines": "节能报告",
        "matters.0.planned_start": str(_today()),
        "matters.0.planned_finish": str(_today() + timedelta(days=30)),
        "matters.0.intermediary.name": "某节能评估中心",
        "matters.0.intermediary.chosen_by~fixed": "agent",
    }
    refused = await _act(http, case_id, "plan", form)
    assert refused.status_code == 409 and "不得为企业指定中介机构" in refused.text
    form["matters.0.intermediary.chosen_by~fixed"] = "enterprise"
    planned = await _act(http, case_id, "plan", form)
    assert planned.status_code == 303, planned.text
    page = (await http.get(planned.headers["location"])).text
    assert "全流程时限（100个工作日）" in page
    notices = (await http.get("/console/notifications")).text
    assert "消息（" in notices
    http.headers["Authorization"] = token


async def test_a_form_sent_on_an_expired_session_keeps_its_input_through_the_sign_in(
    driver: CaseDriver, engine: Engine
) -> None:
    case_id = await driver.open()
    http = driver.http
    token = http.headers.pop("Authorization")
    await _sign_in(http, engine, "li.si")
    page = (await http.get(f"/console/cases/{case_id}")).text
    review = {
        "csrf": _csrf(page),
        "idempotency_key": "expired-session-1",
        "decision": "accept",
        "materials_received~lines": "营业执照\n委托书",
    }
    http.cookies.clear()  # the session ran out while the clerk was typing
    expired = await http.post(f"/console/cases/{case_id}/act/review", data=review)
    assert expired.status_code == 401 and "您填写的内容已保留" in expired.text
    assert 'name="kept.materials_received~lines" value="营业执照\n委托书"' in expired.text
    sign_in = {
        "username": "li.si",
        "password": "console-test-password-1",
        "next": f"/console/cases/{case_id}/act/review",
        "form_token": expired.text.split('name="form_token" value="')[1].split('"')[0],
        "kept.decision": "accept",
        "kept.idempotency_key": "expired-session-1",
        "kept.materials_received~lines": "营业执照\n委托书",
    }
    resumed = await http.post("/console/sign-in", data=sign_in)
    assert resumed.status_code == 200 and "继续提交" in resumed.text
    again = {
        "csrf": _csrf(resumed.text),
        "decision": "accept",
        "idempotency_key": "expired-session-1",
        "materials_received~lines": "营业执照\n委托书",
    }
    done = await http.post(f"/console/cases/{case_id}/act/review", data=again)
    assert done.status_code == 303, done.text
    http.headers["Authorization"] = token
    accepted = next(e for e in await driver.ledger(case_id) if e["event"] == "application_accepted")
    assert accepted["details"]["acceptance_notice"]["materials_received"] == ["营业执照", "委托书"]
