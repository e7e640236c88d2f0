"""The 代办服务全程跟踪备案表 (博州 附件3) as CSV or XLSX, from the projection.

Its seven columns, in the form's words, after the case number that ties a row to its
ledger. 回访结果 is the form's 满意/不满意: the last 满意度回访 (domain/supervision.py), or
before any, the enterprise's rating, where 非常满意, 满意 and 基本满意 count as 满意.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import StrEnum

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from domain.actions import Satisfaction
from domain.case import STAGE_NAMES, CaseStage
from domain.clock import BUSINESS_ZONE
from domain.follow_up import BAD_RATINGS
from domain.ledger import LedgerEvent
from domain.matter import MatterState
from domain.supervision import VISIT_RESULT_NAMES, VisitResult
from papers.cells import csv_text, printable
from papers.render import html_to_pdf, table_html
from store import ledger
from store.oversight import OversightFilter, matters_of
from store.tables import CaseRow, MatterRow, as_utc

COLUMNS = [
    "案件编号",
    "委托人",
    "委托事项",
    "委托时间",
    "委托期限",
    "承办人",
    "办理进程",
    "回访结果",
]
_BATCH = 1000
# WeasyPrint lays out about 50-100 table rows a second here: past this a person waits
# minutes for a paper nobody prints. XLSX and CSV have no limit.
PDF_ROW_LIMIT = 500


class TooLongToPrint(Exception):
    pass


_DONE = (MatterState.APPROVED.value, MatterState.REFUSED.value)


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"  # for the file cabinet: the form as printed, fonts embedded


MEDIA_TYPES = {
    ExportFormat.PDF: "application/pdf",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def rows(engine: Engine, where: OversightFilter) -> Iterator[list[str]]:
    """One row per case, oldest first, read in batches so 100,000 cases fit in memory."""
    last: tuple[datetime, str] | None = None
    while True:
        query = select(CaseRow).where(*where.conditions())
        if last is not None:
            opened, case_id = last
            query = query.where(
                (col(CaseRow.opened_at) > opened)
                | ((col(CaseRow.opened_at) == opened) & (col(CaseRow.case_id) > case_id))
            )
        with Session(engine) as session:
            batch = session.exec(
                query.order_by(col(CaseRow.opened_at), col(CaseRow.case_id)).limit(_BATCH)
            ).all()
        if not batch:
            return
        ids = [case.case_id for case in batch]
        matters = matters_of(engine, ids)
        visits = ledger.latest_details(engine, ids, LedgerEvent.SATISFACTION_VISITED)
        for case in batch:
            yield _row(case, matters.get(case.case_id, []), visits.get(case.case_id))
        last = (batch[-1].opened_at, batch[-1].case_id)


def _row(case: CaseRow, matters: list[MatterRow], visit: dict | None) -> list[str]:
    opened = as_utc(case.opened_at).astimezone(BUSINESS_ZONE).date()
    done = sum(m.state in _DONE for m in matters)
    progress = STAGE_NAMES[CaseStage(case.stage)]
    if matters:
        progress += f"（已办结{done}/{len(matters)}项）"
    return [
        case.case_id,
        case.enterprise_name,
        "、".join(m.name for m in matters),
        opened.isoformat(),
        f"{(case.entrustment_start or opened).isoformat()}至{case.entrustment_end.isoformat()}",
        case.agent_name or "",
        progress,
        _visit_result(case.satisfaction, visit),
    ]


def _visit_result(satisfaction: str | None, visit: dict | None) -> str:
    """The last 满意度回访's answer; before any, the enterprise's own rating."""
    if visit is not None:
        return VISIT_RESULT_NAMES[VisitResult(visit["result"])]
    if satisfaction is None:
        return ""
    return "不满意" if Satisfaction(satisfaction) in BAD_RATINGS else "满意"


def export(engine: Engine, where: OversightFilter, form: ExportFormat) -> bytes:
    if form is ExportFormat.PDF:
        table = list(itertools.islice(rows(engine, where), PDF_ROW_LIMIT + 1))
        if len(table) > PDF_ROW_LIMIT:
            raise TooLongToPrint(
                f"超过{PDF_ROW_LIMIT}件，不宜打印为PDF：请缩小筛选范围，或导出XLSX"
            )
        return html_to_pdf(table_html("代办服务全程跟踪备案表", COLUMNS, table))
    if form is ExportFormat.CSV:
        return csv_bytes(COLUMNS, rows(engine, where))
    return xlsx_bytes("代办服务全程跟踪备案表", COLUMNS, rows(engine, where))


def csv_bytes(columns: list[str], table: Iterable[list[str]]) -> bytes:
    """The rows as CSV: every cell printable text, none a formula a spreadsheet would run."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([csv_text(value) for value in row] for row in table)
    # With a BOM, Excel (the offices' tool) opens UTF-8 Chinese correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, columns: list[str], table: Iterable[list[str]]) -> bytes:
    """The rows as XLSX: every cell a string cell, so "=..." is shown, never evaluated."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=printable(value))
            cell.data_type = "s"  # openpyxl would make a formula of text starting with "="
            cells.append(cell)
        sheet.append(cells)
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return out_bytes.getvalue()
