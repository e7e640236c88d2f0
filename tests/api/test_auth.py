"""Sign-in, tokens, the scope each account is bound to, and the record of material reads."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from sqlalchemy import Engine

from domain.actors import Role
from ops.cli import main as ops_cli
from services import tokens
from services.accounts import AccountProblem, bound, open_account
from store import accounts
from tests.support.driver import BOLE_LAND, BOLE_MARKET, CaseDriver
from tests.support.identities import (
    TOKEN_SECRET,
    coordinator,
    department,
    enterprise,
    oversight,
)
from tests.support.polling import eventually
from tests.workflows.test_cross_county import open_wutai_case

pytestmark = pytest.mark.both_databases  # and on PostgreSQL

PASSWORD = "correct-horse-9"
NOBODY = {"Authorization": ""}


@pytest.fixture
def li_na(engine: Engine) -> str:
    open_account(
        engine,
        bound("li.na", "李娜", Role.COORDINATOR, jurisdiction="BZ", park="bole-jinsanjiao"),
        PASSWORD,
    )
    return "li.na"


async def _sign_in(http: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await http.post(
        "/auth/token", data={"username": username, "password": password}, headers=NOBODY
    )


def _bearer(response: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_sign_in_gives_a_token_for_a_working_day(http: httpx.AsyncClient, li_na: str) -> None:
    response = await _sign_in(http, li_na, PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["account"]["park"] == "bole-jinsanjiao"
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=7, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=8)
    me = await http.get("/auth/me", headers=_bearer(response))
    assert me.json()["username"] == "li.na" and me.json()["role"] == "coordinator"


async def test_wrong_passwords_are_throttled_and_say_nothing_about_names(
    http: httpx.AsyncClient, li_na: str
) -> None:
    unknown = await _sign_in(http, "no.such.user", PASSWORD)
    wrong = await _sign_in(http, li_na, "wrong-password-1")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert wrong.json()["error"]["message"] == "用户名或密码错误"
    for _ in range(4):
        await _sign_in(http, li_na, "wrong-password-1")
    throttled = await _sign_in(http, li_na, PASSWORD)  # the right password, too late
    assert throttled.status_code == 401
    assert throttled.json() == wrong.json()  # exactly like a wrong password


async def test_concurrent_guesses_are_counted_before_they_are_checked(
    http: httpx.AsyncClient, li_na: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """40 wrong guesses at once: at most five reach the account's password (74 did, against
    a limit of 5), and then the right one is refused too. The password pool queues 32;
    the rest are told to come back (503), uncounted."""
    checked = []
    verify = accounts._hasher.verify

    def counting(password: str, hashed: str) -> bool:
        if hashed != accounts._DUMMY_HASH:
            checked.append(password)
        return verify(password, hashed)

    monkeypatch.setattr(accounts._hasher, "verify", counting)
    answers = await asyncio.gather(
        *(_sign_in(http, li_na, f"wrong-password-{n}") for n in range(40))
    )
    codes = [a.status_code for a in answers]
    assert set(codes) <= {401, 503} and codes.count(401) >= 5, codes
    assert len({a.text for a in answers if a.status_code == 401}) == 1
    assert len(checked) <= 5, len(checked)
    assert (await _sign_in(http, li_na, PASSWORD)).status_code == 401  # throttled
    assert len(checked) <= 5


async def test_a_stranger_cannot_lock_the_owner_out(
    http: httpx.AsyncClient, engine: Engine, li_na: str
) -> None:
    """The throttle counts by username *and* address: guesses from elsewhere lock only the
    guesser, and the owner at their own address still signs in."""
    from store import sign_in_throttle

    for _ in range(10):
        sign_in_throttle.count_attempt(engine, li_na, "203.0.113.9")
    assert (await _sign_in(http, li_na, PASSWORD)).status_code == 200
    assert sign_in_throttle.count_attempt(engine, li_na, "203.0.113.9")  # still locked


async def test_bad_tokens_are_401(http: httpx.AsyncClient) -> None:
    now = datetime.now(UTC)
    expired = tokens.issue(TOKEN_SECRET, "li.si", 0, timedelta(hours=1), now - timedelta(hours=2))
    forged = tokens.issue("another-secret-" * 3, "li.si", 0, timedelta(hours=1), now)
    unsigned = jwt.encode(
        {"iss": "daiban", "sub": "li.si", "tv": 0, "iat": 1, "exp": 9999999999},
        key=None,
        algorithm="none",
    )
    for token in (expired.access_token, forged.access_token, unsigned, "not-a-token"):
        response = await http.get("/cases", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["error"]["message"] == "令牌无效或已过期，请重新登录"
    assert (await http.get("/cases", headers=NOBODY)).status_code == 401


async def test_disabling_revoking_and_a_new_password_end_old_tokens(
    http: httpx.AsyncClient, engine: Engine, li_na: str
) -> None:
    first = _bearer(await _sign_in(http, li_na, PASSWORD))
    accounts.set_active(engine, li_na, False)
    assert (await http.get("/auth/me", headers=first)).status_code == 401
    assert (await _sign_in(http, li_na, PASSWORD)).status_code == 401
    accounts.set_active(engine, li_na, True)
    # Disabling revoked it: enabling again does not bring an old token back.
    assert (await http.get("/auth/me", headers=first)).status_code == 401
    first = _bearer(await _sign_in(http, li_na, PASSWORD))
    assert (await http.get("/auth/me", headers=first)).status_code == 200

    accounts.revoke_tokens(engine, li_na)
    assert (await http.get("/auth/me", headers=first)).status_code == 401

    second = _bearer(await _sign_in(http, li_na, PASSWORD))
    weak = await http.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "12345678901"},
        headers=second,
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["message"] == "密码须同时含有字母和数字或符号"
    changed = await http.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "battery-staple-7"},
        headers=second,
    )
    assert changed.status_code == 204
    assert (await http.get("/auth/me", headers=second)).status_code == 401
    assert (await _sign_in(http, li_na, "battery-staple-7")).status_code == 200


def test_accounts_are_bound_to_what_the_catalogues_know(engine: Engine) -> None:
    clerk = bound("wang", "王", Role.DEPARTMENT, department=BOLE_LAND)
    assert clerk.county == "博乐市"
    refusals = [
        (dict(role=Role.COORDINATOR), "jurisdiction"),
        (dict(role=Role.COORDINATOR, jurisdiction="BZ", park="nowhere"), "park"),
        (dict(role=Role.DEPARTMENT, department="nowhere"), "department"),
        (dict(role=Role.ENTERPRISE, uscc="91350100M000100Y44"), "uscc"),
        (dict(role=Role.OPS, jurisdiction="BZ"), "jurisdiction"),
        (dict(role=Role.SYSTEM), "role"),
    ]
    for arguments, field in refusals:
        with pytest.raises(AccountProblem) as refused:
            bound("x", "X", **arguments)
        assert refused.value.field == field
    with pytest.raises(AccountProblem, match="密码至少10位"):
        open_account(engine, clerk, "short-1")


def test_the_account_command_opens_lists_issues_and_revokes(
    engine: Engine, database_url: str, settings_env, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_env(DAIBAN_DATABASE_URL=database_url, DAIBAN_TOKEN_SECRET=TOKEN_SECRET)
    assert ops_cli(["account", "bootstrap"]) == 0  # the tests' accounts are not in this db
    assert "ops.admin" in capsys.readouterr().out
    assert ops_cli(["account", "bootstrap"]) == 0
    assert "无需初始化" in capsys.readouterr().out
    created = [
        "--json",
        "account",
        "create",
        "zhao.yun",
        "--name",
        "赵云",
        "--role",
        "department",
        "--department",
        BOLE_MARKET,
    ]
    assert ops_cli(created) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["account"]["county"] == "博乐市" and len(shown["password"]) >= 10
    assert ops_cli(["account", "create", "x", "--name", "X", "--role", "coordinator"]) == 2
    assert "jurisdiction" in capsys.readouterr().err

    assert ops_cli(["account", "token", "zhao.yun", "--hours", "720"]) == 0
    token = capsys.readouterr().out.strip()
    claims = tokens.read(TOKEN_SECRET, token)
    assert claims.username == "zhao.yun" and claims.token_version == 0
    assert ops_cli(["account", "revoke-tokens", "zhao.yun"]) == 0
    assert accounts.get(engine, "zhao.yun").token_version == 1
    assert ops_cli(["account", "disable", "zhao.yun"]) == 0
    assert ops_cli(["account", "set-phone", "zhao.yun", "12345"]) == 2
    assert "电话须为11位手机号" in capsys.readouterr().err
    assert ops_cli(["account", "set-phone", "zhao.yun", "0909-2231234"]) == 0
    assert ops_cli(["account", "list"]) == 0
    listed = capsys.readouterr().out
    assert "zhao.yun  department  赵云" in listed and "phone=0909-2231234" in listed
    assert ops_cli(["account", "token", "zhao.yun"]) == 2


async def test_each_role_sees_only_its_own(driver: CaseDriver, engine: Engine) -> None:
    case_id = await driver.open()  # 博乐金三角 (bole-jinsanjiao), the first test enterprise's
    other = await driver.open(
        park="bole-wutai",
        matters=["enterprise-registration"],
        enterprise={"name": "另一家企业有限公司", "uscc": "91110000802100433B"},
    )
    http = driver.http

    # Coordinators: their jurisdiction, and their park if bound to one. A case out of
    # scope answers like a missing one (404), so nobody can count the cases.
    assert (await http.get(f"/cases/{case_id}", headers=coordinator("CJ"))).status_code == 404
    wutai_agent = coordinator("BZ", park="bole-wutai")
    assert (await http.get(f"/cases/{case_id}", headers=wutai_agent)).status_code == 404
    assert (await http.get(f"/cases/{other}", headers=wutai_agent)).status_code == 200
    listed = (await http.get("/cases", headers=wutai_agent)).json()["items"]
    assert [c["case_id"] for c in listed] == [other]
    refused = await http.post(
        "/cases",
        json={**(await driver.status(case_id))["application"], "matters": ["food-licence"]},
        headers=wutai_agent,
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "您只能为BZ的bole-wutai开立案件"
    # Enterprises: their own cases only.
    assert (await http.get(f"/cases/{case_id}", headers=enterprise())).status_code == 200
    assert (await http.get(f"/cases/{other}", headers=enterprise())).status_code == 404
    mine = await http.get("/cases", params={"uscc": "91110000802100433B"}, headers=enterprise())
    assert [c["case_id"] for c in mine.json()["items"]] == [case_id]
    # Departments: no case pages at all; only their own path and their own matters.
    assert (await http.get(f"/cases/{case_id}", headers=department(BOLE_LAND))).status_code == 403
    inbox = await http.get(f"/departments/{BOLE_MARKET}/inbox", headers=department(BOLE_LAND))
    assert inbox.status_code == 403
    assert inbox.json()["error"]["message"] == f"只能查看和办理本部门（{BOLE_LAND}）的任务"
    # Oversight: cross-county cases only.
    assert (await http.get(f"/cases/{case_id}", headers=oversight())).status_code == 404
    assert (await http.get(f"/cases/{other}", headers=oversight())).status_code == 404


async def test_oversight_reads_a_cross_county_case_read_only(driver: CaseDriver) -> None:
    case_id = await open_wutai_case(driver)
    read = await driver.http.get(f"/cases/{case_id}", headers=oversight())
    assert read.status_code == 200 and read.json()["lead_committee"]
    acted = await driver.http.post(
        f"/cases/{case_id}/review", json={"decision": "accept"}, headers=oversight()
    )
    assert acted.status_code == 403


async def test_every_read_of_materials_is_recorded(driver: CaseDriver) -> None:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, "land-preexamination", "handed_over")
    http = driver.http
    clerk = department(BOLE_LAND)

    task = await http.get(
        f"/departments/{BOLE_LAND}/tasks/{case_id}/land-preexamination", headers=clerk
    )
    assert task.status_code == 200, task.text
    assert task.json()["matter"]["materials"] == ["申请书", "营业执照复印件"]
    assert task.json()["uscc"] == "91350100M000100Y43"
    assert "plan" not in task.json() and "matters" not in task.json()
    # Another department's matter, and one not yet handed over, stay closed.
    elsewhere = await http.get(
        f"/departments/{BOLE_LAND}/tasks/{case_id}/enterprise-registration", headers=clerk
    )
    assert elsewhere.status_code == 403
    waiting = await http.get(
        f"/departments/{BOLE_MARKET}/tasks/{case_id}/food-licence",
        headers=department(BOLE_MARKET),
    )
    assert waiting.status_code == 403
    assert waiting.json()["error"]["message"] == "事项food-licence尚未移交本部门，材料暂不可查看"

    await http.get(f"/cases/{case_id}", headers=enterprise())
    await http.get(f"/cases/{case_id}/ledger", headers=coordinator())
    reads = await http.get(f"/cases/{case_id}/material-reads", headers=enterprise())
    assert reads.status_code == 200
    seen = [(r["resource"], r["actor_id"], r["matter"]) for r in reads.json()["items"]]
    assert (seen[-3:]) == [
        ("task", f"clerk.{BOLE_LAND}", "land-preexamination"),
        ("case_status", "zhang.san", None),
        ("ledger", "li.si", None),
    ]
    assert all(r["request_id"] for r in reads.json()["items"])


async def test_notices_are_each_roles_own(driver: CaseDriver) -> None:
    await open_wutai_case(driver)  # its hand-offs notify two 精河县 departments
    http = driver.http
    jinghe = "jinghe-natural-resources"

    async def notices() -> list[dict]:
        return (await http.get("/notifications", headers=department(jinghe))).json()["items"]

    land = await eventually(notices, "the 精河县 department's notices")
    assert land and {(n["recipient"], n["address"]) for n in land} == {("department", jinghe)}
    asked_for_other = await http.get(
        "/notifications",
        params={"recipient": "department", "address": "jinghe-housing-construction"},
        headers=department(jinghe),
    )
    assert asked_for_other.json()["items"] == []
    assert (await http.get("/notifications", headers=coordinator("CJ"))).json()["total"] == 0
    assert (await http.get("/notifications", headers=coordinator())).json()["total"] >= len(land)
    special_team = await http.get("/notifications", headers=oversight())  # its own only
    assert special_team.status_code == 200 and special_team.json()["total"] == 0
