"""The same HTML a template renders for the PDF, written as a Word document.

The templates use a small subset of HTML (headings, paragraphs, lists, tables, bold), so
one template is the single source of a paper's wording and both formats follow it.
"""

import io
from html.parser import HTMLParser

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from papers.cells import printable

FONT = "宋体"  # what a Chinese office's Word has; the PDF embeds Noto instead
_HEADINGS = {"h1": 16, "h2": 14, "h3": 12}
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}


class _Writer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name, style.font.size = FONT, Pt(12)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        self.paragraph: Paragraph | None = None
        self.size: int | None = None
        self.bold = 0
        self.skip = 0  # inside <head>, <style> or <title>
        self.lists: list[int | None] = []  # per open list: items so far (<ol>), None (<ul>)
        self.table: Table | None = None
        self.row: list[str] | None = None
        self.rows: list[tuple[list[str], bool]] = []
        self.cell: list[str] | None = None
        self.header_row = False
        self.preserve = False  # inside class="draft": the report's own line breaks count

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("head", "style", "title"):
            self.skip += 1
        elif tag in _HEADINGS or (tag in ("p", "div") and not self.cell_open):
            self._start_paragraph(classes, _HEADINGS.get(tag))
            self.preserve = "draft" in classes
        elif tag in ("ol", "ul"):
            self.lists.append(0 if tag == "ol" else None)
        elif tag == "li":
            marker, count = "· ", self.lists[-1] if self.lists else None
            if count is not None:
                self.lists[-1] = count + 1
                marker = f"{count + 1}. "
            self._start_paragraph([], None)
            self._add(marker)
        elif tag in ("strong", "b", "th"):
            self.bold += 1
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        if tag == "table":
            self.rows = []
        elif tag == "tr":
            self.row, self.header_row = [], False
        elif tag in ("td", "th"):
            self.cell = []
            self.header_row = self.header_row or tag == "th"

    @property
    def cell_open(self) -> bool:
        return self.cell is not None

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "title"):
            self.skip -= 1
        elif tag in _HEADINGS or tag in ("p", "div", "li"):
            if not self.cell_open:
                self.paragraph, self.preserve = None, False
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in ("strong", "b", "th"):
            self.bold -= 1
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append((self.row, self.header_row))
            self.row = None
        elif tag == "table":
            self._write_table()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.preserve and self.paragraph is not None:
            for number, line in enumerate(data.strip("\n").split("\n")):
                if number:
                    self.paragraph.add_run().add_break()
                self._add(line)
            return
        text = " ".join(data.split())
        if not text:
            return
        if self.paragraph is None:
            self._start_paragraph([], None)
        self._add(text)

    def _start_paragraph(self, classes: list[str], size: int | None) -> None:
        self.paragraph = self.document.add_paragraph()
        self.size = size
        for name in classes:
            if name in _ALIGN:
                self.paragraph.alignment = _ALIGN[name]
        if size == _HEADINGS["h1"]:
            self.paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def _add(self, text: str) -> None:
        assert self.paragraph is not None
        run = self.paragraph.add_run(text)
        run.bold = bool(self.bold) or self.size is not None
        if self.size:
            run.font.size = Pt(self.size)

    def _write_table(self) -> None:
        if not self.rows:
            return
        width = max(len(cells) for cells, _ in self.rows)
        table = self.document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for cells, header in self.rows:
            row = table.add_row().cells
            for index, text in enumerate(cells):
                run = row[index].paragraphs[0].add_run(text)
                run.bold = header
        self.rows = []
        self.paragraph = None


def html_to_docx(html: str) -> bytes:
    writer = _Writer()
    writer.feed(printable(html))  # Word's XML has no place for control characters
    writer.close()
    out = io.BytesIO()
    writer.document.save(out)
    return out.getvalue()
