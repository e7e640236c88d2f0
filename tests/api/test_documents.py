"""Materials and results as files: uploaded against a matter's checklist, versioned on a
补正, seen by each role only within its scope, delivered, and each act in the ledger."""

import hashlib
from pathlib import Path

import httpx

from tests.support import files
from tests.support.driver import BOLE_LAND, BOLE_MARKET, ENTERPRISE, CaseDriver
from tests.support.identities import coordinator, department, enterprise, oversight

REGISTRATION = "enterprise-registration"
LAND = "land-preexamination"
FOOD = "food-licence"
LICENCE = "营业执照复印件"  # the plan's list (tests/support/driver.plan)
ARTICLES = "公司章程"  # the catalogue's list


def _objects(tmp_path: Path) -> list[Path]:
    root = tmp_path / "documents" / "objects"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def _planned_case(driver: CaseDriver) -> str:
    case_id = await driver.open()
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    return case_id


async def _listed(http: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[dict]:
    response = await http.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_correction_answered_with_a_new_version_keeps_the_old_one_superseded(
    driver: CaseDriver, tmp_path: Path
) -> None:
    case_id = await driver.open()
    first = files.pdf(text="v1")
    # The enterprise sends its licence before the committee has even accepted the case.
    v1 = await driver.upload(
        case_id, REGISTRATION, "公司章程", "公司章程（2026修订）.pdf", first, headers=ENTERPRISE
    )
    assert v1["version"] == 1 and v1["sha256"] == hashlib.sha256(first).hexdigest()
    assert v1["filename"] == "公司章程（2026修订）.pdf" and v1["document_type"] == "pdf"
    accepted = await driver.accept(case_id)
    assert [d["id"] for d in accepted["acceptance_notice"]["documents"]] == [v1["id"]]

    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    plan_v1 = await driver.upload(case_id, REGISTRATION, LICENCE, "licence.pdf", files.pdf())
    accepted_matter = await driver.department_act(case_id, REGISTRATION, "acceptance", {})
    assert {d["id"] for d in accepted_matter["accepted_documents"]} == {v1["id"], plan_v1["id"]}
    await driver.department_act(case_id, REGISTRATION, "correction-request", {"items": [LICENCE]})
    second = files.pdf(text="v2")
    plan_v2 = await driver.upload(case_id, REGISTRATION, LICENCE, "licence-new.pdf", second)
    assert plan_v2["version"] == 2
    matter = await driver.post(
        f"/cases/{case_id}/matters/{REGISTRATION}/resubmission", {"materials": [LICENCE]}
    )
    assert [d["id"] for d in matter["corrections"][-1]["documents"]] == [plan_v2["id"]]

    listed = await _listed(
        driver.http, f"/cases/{case_id}/documents?matter={REGISTRATION}", coordinator()
    )
    by_id = {d["id"]: d for d in listed}
    assert by_id[plan_v1["id"]]["superseded_by"] == plan_v2["id"]
    assert by_id[plan_v2["id"]]["superseded_at"] is None
    # Both versions stay downloadable, byte for byte.
    old = await driver.http.get(
        f"/cases/{case_id}/documents/{plan_v1['id']}", headers=coordinator()
    )
    assert old.status_code == 200 and hashlib.sha256(old.content).hexdigest() == plan_v1["sha256"]
    assert "filename*=UTF-8''licence.pdf" in old.headers["content-disposition"]

    events = [(e["event"], e["details"].get("sha256")) for e in await driver.ledger(case_id)]
    assert ("document_uploaded", plan_v2["sha256"]) in events
    assert ("document_superseded", plan_v1["sha256"]) in events
    reads = await driver.http.get(f"/cases/{case_id}/material-reads", headers=coordinator())
    assert f"document:{plan_v1['id']}" in {r["resource"] for r in reads.json()["items"]}
    assert len(_objects(tmp_path)) == 3


async def test_each_role_sees_only_its_scope(driver: CaseDriver) -> None:
    case_id = await driver.open()
    before = await driver.upload(case_id, REGISTRATION, ARTICLES, "old.pdf", files.pdf(text="0"))
    await driver.upload(case_id, REGISTRATION, ARTICLES, "new.pdf", files.pdf(text="1"))
    food = await driver.upload(case_id, FOOD, "食品经营许可申请书", "food.pdf", files.pdf(text="f"))
    await driver.accept(case_id)
    await driver.plan(case_id)
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    own = f"/departments/{BOLE_MARKET}/tasks/{case_id}/{REGISTRATION}/documents"

    shown = await _listed(driver.http, own, department(BOLE_MARKET))
    # The version replaced before the hand-over was never given to the department.
    assert [d["filename"] for d in shown] == ["new.pdf"]
    hidden = await driver.http.get(f"{own}/{before['id']}", headers=department(BOLE_MARKET))
    assert hidden.status_code == 404
    # food-licence waits for registration: not handed over, so nothing of it is visible.
    waiting = f"/departments/{BOLE_MARKET}/tasks/{case_id}/{FOOD}/documents"
    assert (await driver.http.get(waiting, headers=department(BOLE_MARKET))).status_code == 404
    by_path = f"/departments/{BOLE_MARKET}/tasks/{case_id}/{FOOD}/documents/{food['id']}"
    assert (await driver.http.get(by_path, headers=department(BOLE_MARKET))).status_code == 404
    # Another department, through its own path or the case's, sees nothing.
    other = f"/departments/{BOLE_LAND}/tasks/{case_id}/{REGISTRATION}/documents"
    assert (await driver.http.get(other, headers=department(BOLE_LAND))).status_code == 404
    case_path = f"/cases/{case_id}/documents"
    assert (await driver.http.get(case_path, headers=department(BOLE_LAND))).status_code == 403
    # Another enterprise, and oversight on a case that is not cross-county: 404.
    stranger = enterprise("91350100M000100Y44")
    assert (await driver.http.get(case_path, headers=stranger)).status_code == 404
    assert (await driver.http.get(case_path, headers=oversight())).status_code == 404
    file_path = f"{case_path}/{food['id']}"
    assert (await driver.http.get(file_path, headers=stranger)).status_code == 404
    assert len(await _listed(driver.http, case_path, ENTERPRISE)) == 3
