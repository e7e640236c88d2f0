"""The papers a case produces, as a person receives them: PDF with the Chinese fonts
embedded and the case's own facts in the text, DOCX an office can edit, and nothing
before the case has the paper."""

import io

import httpx
import pytest
from docx import Document
from pypdf import PdfReader

from papers import tracking_table
from papers.docx import html_to_docx
from tests.support.driver import CaseDriver
from tests.support.identities import coordinator, enterprise
from tests.support.polling import eventually

ENTERPRISE_NAME = "博乐示例新材料有限公司"


def _pdf_text(response: httpx.Response) -> tuple[str, set[str]]:
    """The text of every page, and the names of the fonts carried inside the file."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descriptor["/FontName"]))
    return "".join(page.extract_text() for page in reader.pages), embedded


def _docx_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def test_the_acceptance_notice_lists_the_materials_received_with_fonts_embedded(
    driver: CaseDriver,
) -> None:
    case_id = await driver.open()
    path = f"/cases/{case_id}/papers/acceptance-notice"
    refused = await driver.http.get(path)
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "案件尚未受理，没有受理通知书"

    await driver.accept(case_id)
    text, fonts = _pdf_text(await driver.http.get(path))
    for expected in (
        "附件2",
        "代办服务受理通知书",
        ENTERPRISE_NAME,
        "委托书",
        "营业执照",
        "现予受理",
    ):
        assert expected in text
    assert "li.si" not in text and "受理人及联系方式：博尔塔拉蒙古自治州代办员 0909-2231234" in text
    assert fonts and all("CJK" in name for name in fonts), fonts

    # The enterprise reads its own notice, and the read is recorded; DOCX for the office.
    own = await driver.http.get(path, params={"format": "docx"}, headers=enterprise())
    assert "营业执照" in _docx_text(own)
    assert "filename*=UTF-8''" in own.headers["content-disposition"]
    reads = (await driver.http.get(f"/cases/{case_id}/material-reads")).json()["items"]
    assert {"paper:acceptance-notice"} <= {read["resource"] for read in reads}
    other = await driver.http.get(path, headers=enterprise("91350100M000100Y44"))
    assert other.status_code == 404  # out of scope is not found


async def test_the_entrustment_and_the_termination_record_carry_the_case(
    driver: CaseDriver,
) -> None:
    case_id = await driver.open()
    text, _ = _pdf_text(await driver.http.get(f"/cases/{case_id}/papers/entrustment"))
    for expected in ("政务服务代办委托书", "91350100M000100Y43", "年产1万吨新材料项目", "全面委托"):
        assert expected in text

    await driver.accept(case_id)
    await driver.post(
        f"/cases/{case_id}/termination",
        {
            "cause": "enterprise_request",
            "reason": "项目选址调整，暂缓建设",
            "materials_returned": ["营业执照原件"],
            "signed_by": "张三",
        },
    )
    record = await driver.http.get(
        f"/cases/{case_id}/papers/termination-record", params={"format": "docx"}
    )
    text = _docx_text(record)
    for expected in (
        "终止委托记录",
        "申请人主动要求终止委托",
        "项目选址调整",
        "营业执照原件",
        "张三",
    ):
        assert expected in text


async def test_the_evaluation_report_quotes_the_scores_and_the_filed_text(
    driver: CaseDriver,
) -> None:
    case_id = await driver.registration_only_case_at_delivery()
    await driver.deliver_and_evaluate(case_id, level="非常满意", comments="窗口响应及时")
    await driver.file_feedback_report(case_id)
    text, _ = _pdf_text(await driver.http.get(f"/cases/{case_id}/papers/report"))
    for expected in (
        "代办服务评价反馈材料",
        "事项办理流程",
        "企业设立登记",
        "非常满意",
        "窗口响应及时",
    ):
        assert expected in text
    assert "博边合管函〔2026〕1号" in text


async def test_the_tracking_table_prints_as_a_pdf_unless_too_long(
    driver: CaseDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await driver.open()

    async def listed() -> int:  # the projection row lands when the opening's ledger entry does
        return (await driver.http.get("/cases", params={"q": case_id})).json()["total"]

    await eventually(listed, "the case in the projection")
    response = await driver.http.get(
        "/tracking-table", params={"format": "pdf"}, headers=coordinator("BZ")
    )
    text, _ = _pdf_text(response)
    assert "代办服务全程跟踪备案表" in text and case_id in text

    monkeypatch.setattr(tracking_table, "PDF_ROW_LIMIT", 0)
    response = await driver.http.get(
        "/tracking-table", params={"format": "pdf"}, headers=coordinator("BZ")
    )
    assert response.status_code == 409
    assert "请缩小筛选范围，或导出XLSX" in response.json()["error"]["message"]


def test_the_word_version_keeps_headings_lists_and_tables() -> None:
    html = (
        "<html><head><style>p{}</style></head><body><h1>标题</h1><p class='right'>落款</p>"
        "<ol><li>一</li><li>二</li></ol><table><tr><th>甲</th><td>乙</td></tr></table>"
        "<p class='draft'>第一行\n第二行</p></body>"
    )
    document = Document(io.BytesIO(html_to_docx(html)))
    assert [p.text for p in document.paragraphs] == [
        "标题",
        "落款",
        "1. 一",
        "2. 二",
        "第一行\n第二行",
    ]
    assert [c.text for c in document.tables[0].rows[0].cells] == ["甲", "乙"]
    assert document.paragraphs[0].runs[0].bold


async def test_a_refusal_at_review_has_its_notice_with_the_reasons(driver: CaseDriver) -> None:
    case_id = await driver.open()
    path = f"/cases/{case_id}/papers/refusal-notice"
    assert (await driver.http.get(path)).status_code == 409
    await driver.post(
        f"/cases/{case_id}/review", {"decision": "refuse", "reasons": ["项目不在园区范围内"]}
    )
    text, _ = _pdf_text(await driver.http.get(path))
    for expected in ("代办服务不予受理告知书", ENTERPRISE_NAME, "不予受理", "项目不在园区范围内"):
        assert expected in text
