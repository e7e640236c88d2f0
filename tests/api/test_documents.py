"""Materials and results as files: uploaded against a matter's checklist, versioned on a
补正, seen by each role only within its scope, delivered, and each act in the ledger."""

import asyncio
import hashlib
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from ops.cli import main as ops_cli
from services.documents import correction_asked_at
from settings import Settings
from store import documents as document_store
from store import projection
from store.projection import MatterGate
from tests.support import files
from tests.support.driver import BOLE_LAND, BOLE_MARKET, ENTERPRISE, CaseDriver
from tests.support.histories import record_if_asked
from tests.support.identities import api_client, coordinator, department, enterprise, oversight

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
    driver: CaseDriver, tmp_path: Path, env
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
    await record_if_asked(env.client, "documents_versioned_on_correction", case_id, [REGISTRATION])


async def test_a_correction_answered_on_a_row_from_before_0015_asks_the_workflow_when(
    driver: CaseDriver, engine: Engine
) -> None:
    """补正材料 reads when the 补正 was asked from the matter's projection row, not by a
    query; a row written before it kept that (revision 0015) is answered by the workflow."""
    case_id = await _planned_case(driver)
    await driver.upload(case_id, REGISTRATION, LICENCE, "licence.pdf", files.pdf())
    await driver.department_act(case_id, REGISTRATION, "acceptance", {})
    asked = await driver.department_act(
        case_id, REGISTRATION, "correction-request", {"items": [LICENCE]}
    )
    row = projection.matter_row(engine, case_id, REGISTRATION)
    assert row is not None and row.correction_requested_at == datetime.fromisoformat(
        asked["corrections"][-1]["requested_at"]
    )
    gate = projection.matter_gate(engine, case_id, REGISTRATION)
    assert gate is not None and gate.correction_requested_at == row.correction_requested_at
    new = await driver.upload(
        case_id, REGISTRATION, LICENCE, "licence-new.pdf", files.pdf(text="v2")
    )
    with Session(engine) as session:
        row.correction_requested_at = None
        session.add(row)
        session.commit()

    matter = await driver.post(
        f"/cases/{case_id}/matters/{REGISTRATION}/resubmission", {"materials": [LICENCE]}
    )
    assert [d["id"] for d in matter["corrections"][-1]["documents"]] == [new["id"]]


async def test_when_a_correction_was_asked_needs_no_workflow_once_projected() -> None:
    class NoTemporal:
        def __getattr__(self, name: str) -> None:
            raise AssertionError(f"asked Temporal ({name})")

    asked = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    row = MatterGate(
        case_id="BZ-1", code=REGISTRATION, name="登记", state="correction_requested",
        correction_count=1, correction_requested_at=asked,
    )  # fmt: skip
    client = cast(Client, NoTemporal())
    assert await correction_asked_at(client, row) == asked
    never = replace(row, correction_count=0, correction_requested_at=None)
    assert await correction_asked_at(client, never) is None


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


BAD_FILES = [
    ("空.pdf", b"", "文件为空"),
    ("照片.pdf", files.image(), "内容却是PNG 图片"),
    ("加密.pdf", files.encrypted_pdf(), "PDF 已加密"),
    ("权限锁定.pdf", files.owner_locked_pdf(), "PDF 已加密"),
    ("损坏.pdf", files.damaged_pdf(), "PDF 已损坏"),
    ("加密.docx", files.ole(), "文件已加密或为旧版 Office 格式"),
    ("截断.jpg", files.image("JPEG", (300, 200))[:-300], "图片不完整"),
    ("程序.exe", b"MZ\x90\x00" + b"\x00" * 64, "不支持此类文件"),
    ("改名.docx", files.pdf(), "内容却是PDF"),
]


async def test_every_bad_file_is_refused_by_name_and_nothing_is_stored(
    driver: CaseDriver, engine: Engine, tmp_path: Path
) -> None:
    case_id = await driver.open()
    for name, content, reason in BAD_FILES:
        refused = await driver.upload(case_id, REGISTRATION, ARTICLES, name, content, expect=422)
        message = refused["error"]["message"]
        assert name in message and reason in message, (name, message)
        assert refused["error"]["details"][0]["field"] == "file"
    assert _objects(tmp_path) == [] and document_store.for_case(engine, case_id) == []
    assert list((tmp_path / "documents" / "staging").iterdir()) == []
    # What is accepted: each type, by content, whatever the case of its name.
    for name, content in [
        ("申请.PDF", files.pdf()),
        ("现场.JPG", files.image("JPEG")),
        ("平面图.png", files.image()),
        ("批复.ofd", files.ofd()),
        ("章程.docx", files.docx()),
        ("投资.xlsx", files.xlsx()),
    ]:
        await driver.upload(case_id, REGISTRATION, ARTICLES, name, content)
    kinds = [d.document_type.value for d in document_store.for_case(engine, case_id)]
    assert sorted(kinds) == ["docx", "jpeg", "ofd", "pdf", "png", "xlsx"]
    # Not on the matter's checklist, or not the case's matter.
    wrong = await driver.upload(case_id, REGISTRATION, "身份证", "a.pdf", files.pdf(), expect=422)
    assert "材料清单中没有“身份证”" in wrong["error"]["message"]
    await driver.upload(case_id, "no-such-matter", ARTICLES, "a.pdf", files.pdf(), expect=404)
    assert list((tmp_path / "documents" / "staging").iterdir()) == []


async def test_a_retried_upload_stores_nothing_twice(
    driver: CaseDriver, engine: Engine, tmp_path: Path
) -> None:
    case_id = await driver.open()
    content = files.pdf(text="retry")
    first = await driver.upload(case_id, REGISTRATION, ARTICLES, "a.pdf", content, key="upload-1")
    again = await driver.upload(
        case_id, REGISTRATION, ARTICLES, "a.pdf", content, key="upload-1", expect=200
    )
    assert again["id"] == first["id"] and again["version"] == 1
    other = await driver.upload(
        case_id, REGISTRATION, ARTICLES, "b.pdf", files.pdf(text="x"), key="upload-1", expect=409
    )
    assert "幂等键" in other["error"]["message"]
    # The same bytes under a new key are a new version, but one stored object.
    await driver.upload(case_id, REGISTRATION, ARTICLES, "a.pdf", content, key="upload-2")
    assert len(document_store.for_case(engine, case_id)) == 2
    assert len(_objects(tmp_path)) == 1  # a.pdf's bytes, once; b.pdf was refused unstored
    uploads = [e for e in await driver.ledger(case_id) if e["event"] == "document_uploaded"]
    assert len(uploads) == 2


async def test_an_interrupted_upload_leaves_no_partial_object(
    driver: CaseDriver, engine: Engine, tmp_path: Path
) -> None:
    case_id = await driver.open()
    boundary = "daibanboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="material"\r\n\r\n{ARTICLES}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    cut_short = head + files.pdf()[:200]  # the connection dropped mid-file: no closing boundary
    response = await driver.http.post(
        f"/cases/{case_id}/matters/{REGISTRATION}/documents",
        content=cut_short,
        headers={**coordinator(), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "upload_incomplete"
    assert _objects(tmp_path) == [] and document_store.for_case(engine, case_id) == []
    assert list((tmp_path / "documents" / "staging").iterdir()) == []
    not_a_form = await driver.http.post(
        f"/cases/{case_id}/matters/{REGISTRATION}/documents",
        json={"material": ARTICLES},
        headers=coordinator(),
    )
    assert not_a_form.status_code == 422


async def test_a_file_over_the_limit_is_refused_as_it_streams(
    env, engine: Engine, database_url: str, task_queue: str, tmp_path: Path, worker
) -> None:
    settings = Settings(
        task_queue=task_queue,
        database_url=database_url,
        documents_dir=tmp_path / "documents",
        document_max_bytes=4096,
    )
    async with api_client(settings, env.client, engine) as http:
        driver = CaseDriver(http)
        case_id = await driver.open()
        big = files.pdf(pages=40)
        assert len(big) > 4096
        refused = await driver.upload(case_id, REGISTRATION, ARTICLES, "大.pdf", big, expect=413)
        assert "超过大小上限" in refused["error"]["message"]
        await driver.upload(case_id, REGISTRATION, ARTICLES, "小.pdf", files.pdf())
    assert len(_objects(tmp_path)) == 1
    assert list((tmp_path / "documents" / "staging").iterdir()) == []


async def test_a_file_changed_on_disk_is_found_with_its_case_and_material(
    driver: CaseDriver,
    tmp_path: Path,
    database_url: str,
    settings_env,
    capsys: pytest.CaptureFixture,
) -> None:
    case_id = await driver.open()
    document = await driver.upload(case_id, REGISTRATION, ARTICLES, "章程.pdf", files.pdf())
    settings_env(DAIBAN_DATABASE_URL=database_url, DAIBAN_DOCUMENTS_DIR=str(tmp_path / "documents"))
    assert await asyncio.to_thread(ops_cli, ["verify-documents"]) == 0
    assert "文件完整：1份" in capsys.readouterr().out
    (stored,) = _objects(tmp_path)
    stored.chmod(0o644)
    stored.write_bytes(files.pdf(text="forged"))
    assert await asyncio.to_thread(ops_cli, ["verify-documents"]) == 1
    said = capsys.readouterr().out
    assert f"案件{case_id}事项{REGISTRATION}“{ARTICLES}”第1版（文件{document['id']}）" in said
    assert "已被替换或损坏" in said
    stored.unlink()
    assert await asyncio.to_thread(ops_cli, ["verify-documents"]) == 1
    assert "存储中找不到该文件" in capsys.readouterr().out


async def test_a_page_is_shown_as_an_image(driver: CaseDriver) -> None:
    case_id = await driver.open()
    document = await driver.upload(case_id, REGISTRATION, ARTICLES, "a.pdf", files.pdf(pages=2))
    path = f"/cases/{case_id}/documents/{document['id']}/preview"
    page = await driver.http.get(path, params={"page": 2}, headers=ENTERPRISE)
    assert page.status_code == 200 and page.headers["content-type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")
    beyond = await driver.http.get(path, params={"page": 3}, headers=ENTERPRISE)
    assert beyond.status_code == 422 and "共2页" in beyond.json()["error"]["message"]
    sheet = await driver.upload(case_id, REGISTRATION, ARTICLES, "b.xlsx", files.xlsx())
    no_preview = await driver.http.get(
        f"/cases/{case_id}/documents/{sheet['id']}/preview", headers=ENTERPRISE
    )
    assert no_preview.status_code == 409


async def test_a_result_is_held_under_deferral_and_the_enterprise_downloads_it_once_delivered(
    driver: CaseDriver, env
) -> None:
    case_id = await driver.open(matters=[REGISTRATION])
    await driver.accept(case_id)
    await driver.plan(case_id, [REGISTRATION])
    await driver.wait_for_matter(case_id, REGISTRATION, "handed_over")
    supply_by = str(date.today() + timedelta(days=3))
    await driver.department_act(
        case_id,
        REGISTRATION,
        "acceptance",
        {"deferred_items": ["股东主体资格证明"], "supply_by": supply_by},
    )
    licence = await driver.upload_result(
        case_id, REGISTRATION, "营业执照", "营业执照正本.pdf", files.pdf(text="licence")
    )
    assert licence["kind"] == "result" and licence["result_reference"].startswith("博")
    case_documents = f"/cases/{case_id}/documents"

    async def seen(headers: dict[str, str]) -> list[str]:
        return [d["id"] for d in await _listed(driver.http, case_documents, headers)]

    assert licence["id"] not in await seen(coordinator())  # not issued yet
    approved = await driver.department_act(
        case_id, REGISTRATION, "approval", {"result_reference": "博市监〔2026〕8号"}
    )
    assert approved["state"] == "result_held"
    assert [d["id"] for d in approved["result_documents"]] == [licence["id"]]
    assert licence["id"] not in await seen(coordinator())  # 容缺: held until confirmed
    late = await driver.http.post(
        f"/departments/{BOLE_MARKET}/tasks/{case_id}/{REGISTRATION}/results",
        data={"title": "补发"},
        files={"file": ("x.pdf", files.pdf())},
        headers=department(BOLE_MARKET),
    )
    assert late.status_code == 409

    await driver.upload(case_id, REGISTRATION, "股东主体资格证明", "股东.pdf", files.pdf(text="s"))
    await driver.post(
        f"/cases/{case_id}/matters/{REGISTRATION}/deferred-materials",
        {"materials": ["股东主体资格证明"]},
    )
    await driver.department_act(
        case_id, REGISTRATION, "deferred-materials-confirmation", {"confirmed": True}
    )
    await driver.wait_for_stage(case_id, "delivery")
    assert licence["id"] in await seen(coordinator())
    assert licence["id"] not in await seen(ENTERPRISE)  # not delivered to it yet
    receipt_path = f"/cases/{case_id}/papers/receipt"
    assert (await driver.http.get(receipt_path, headers=coordinator())).status_code == 409

    await driver.post(f"/cases/{case_id}/delivery", {})
    assert licence["id"] in await seen(ENTERPRISE)
    download = await driver.http.get(f"{case_documents}/{licence['id']}", headers=ENTERPRISE)
    assert hashlib.sha256(download.content).hexdigest() == licence["sha256"]
    receipt = await driver.http.get(receipt_path, headers=ENTERPRISE)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "办理结果送达回执" in text and "营业执照正本.pdf" in text
    assert licence["sha256"][:12] in text
    delivered = next(e for e in await driver.ledger(case_id) if e["event"] == "results_delivered")
    assert delivered["details"]["result_documents"][REGISTRATION][0]["id"] == licence["id"]
    await record_if_asked(
        env.client, "documents_result_held_and_delivered", case_id, [REGISTRATION]
    )


async def test_the_acceptance_notice_and_the_termination_record_list_the_files(
    driver: CaseDriver,
) -> None:
    case_id = await driver.open()
    content = files.pdf(text="章程")
    document = await driver.upload(case_id, REGISTRATION, ARTICLES, "公司章程.pdf", content)
    await driver.accept(case_id)
    notice = await driver.http.get(f"/cases/{case_id}/papers/acceptance-notice")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notice.content)).pages)
    assert "公司章程.pdf" in text and document["sha256"][:12] in text and "第1版" in text
    await driver.post(
        f"/cases/{case_id}/termination",
        {"cause": "enterprise_request", "reason": "项目暂缓", "signed_by": "张三"},
    )
    record = await driver.http.get(f"/cases/{case_id}/papers/termination-record")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(record.content)).pages)
    assert "公司章程.pdf" in text and document["sha256"][:12] in text


@pytest.mark.both_databases
async def test_a_burst_of_uploads_numbers_each_version_once(
    driver: CaseDriver, engine: Engine
) -> None:
    """Ten versions of one material at once, and the same upload retried ten times at once:
    versions 1 to 10 exactly once each, and one version for the retried key."""
    case_id = await driver.open()
    contents = [files.pdf(text=f"burst {n}") for n in range(10)]
    await asyncio.gather(
        *(
            driver.upload(case_id, REGISTRATION, ARTICLES, f"{n}.pdf", content)
            for n, content in enumerate(contents)
        )
    )
    retried = files.pdf(text="retried")
    answers = await asyncio.gather(
        *(
            driver.http.post(
                f"/cases/{case_id}/matters/{REGISTRATION}/documents",
                data={"material": "公司登记申请书"},
                files={"file": ("申请书.pdf", retried)},
                headers={**coordinator(), "Idempotency-Key": "burst-retried-1"},
            )
            for _ in range(10)
        )
    )
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201]
    assert len({a.json()["id"] for a in answers}) == 1
    stored = document_store.for_case(engine, case_id)
    articles = [d for d in stored if d.material == ARTICLES]
    assert sorted(d.version for d in articles) == list(range(1, 11))
    assert sum(d.current for d in articles) == 1
    assert len([d for d in stored if d.material == "公司登记申请书"]) == 1
    entries = await driver.ledger(case_id)
    assert sum(e["event"] == "document_uploaded" for e in entries) == 11
    assert sum(e["event"] == "document_superseded" for e in entries) == 9
