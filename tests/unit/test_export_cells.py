"""Every exported cell is text: a name typed as a formula is shown, never run, and a control
character or a bidirectional override cannot break or disguise an export (issue 17)."""

import csv
import io

from docx import Document
from openpyxl import load_workbook

from papers.cells import csv_text, printable
from papers.docx import html_to_docx
from papers.tracking_table import csv_bytes, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://127.0.0.1/x","点击")',
    "+86-0909",
    "-2+3",
    "@SUM(A1:A9)",
    "博乐\x00示例\x1b公司",
    "\u202e司公例示",
]


def test_a_csv_cell_starting_like_a_formula_is_quoted_and_controls_are_dropped() -> None:
    assert [csv_text(text) for text in HOSTILE] == [
        '\'=HYPERLINK("http://127.0.0.1/x","点击")',
        "'+86-0909",
        "'-2+3",
        "'@SUM(A1:A9)",
        "博乐示例公司",
        "司公例示",
    ]
    # multi-line text keeps its lines
    assert printable("第一行\n第二行\t备注") == "第一行\n第二行\t备注"


def test_the_tracking_table_as_csv_holds_no_live_formula() -> None:
    text = csv_bytes(["名称"], [[value] for value in HOSTILE]).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_the_tracking_table_as_xlsx_writes_every_cell_as_a_string() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes("表", ["名称"], [[v] for v in HOSTILE]))).active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.data_type for cell in cells] == ["s"] * len(HOSTILE)
    assert [cell.value for cell in cells[:4]] == HOSTILE[:4]  # shown as typed, not evaluated
    assert cells[4].value == "博乐示例公司" and cells[5].value == "司公例示"


def test_a_paper_with_a_control_character_in_a_name_still_renders_as_docx() -> None:
    document = Document(io.BytesIO(html_to_docx("<p>委托人：博乐\x00示例公司</p>")))
    assert "委托人：博乐示例公司" in "\n".join(p.text for p in document.paragraphs)
