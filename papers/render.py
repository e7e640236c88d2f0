"""Which papers a case has, what each needs before it exists, and how each is rendered.

A paper is a Jinja template in ``templates/`` filled from the case's status and ledger.
WeasyPrint lays it out as PDF with the Noto CJK fonts embedded (Debian's fonts-noto-cjk);
the same HTML becomes DOCX for the papers an office edits before it stamps them.
"""

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from domain.actions import TerminationCause
from domain.case import STAGE_NAMES, CaseStatus
from domain.dates import day_text, time_text
from domain.papers import Paper, PaperFormat, paper_name
from papers.cells import printable
from papers.docx import html_to_docx

MEDIA_TYPES = {
    PaperFormat.PDF: "application/pdf",
    PaperFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

TERMINATION_CAUSES = {
    TerminationCause.ENTERPRISE_REQUEST: "申请人主动要求终止委托",
    TerminationCause.LACKS_CONDITIONS: "业务本身不具备办结条件",
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    media_type: str
    filename: str


def render(
    paper: Paper, form: PaperFormat, case: CaseStatus, people: dict[str, str] | None = None
) -> Rendered:
    """``people``: the display names of the accounts the paper names (a paper prints
    people, not usernames)."""
    html = paper_html(paper, case, people or {})
    content = html_to_pdf(html) if form is PaperFormat.PDF else html_to_docx(html)
    filename = f"{case.case_id}-{paper_name(paper, case)}.{form.value}"
    return Rendered(content, MEDIA_TYPES[form], filename)


def paper_html(paper: Paper, case: CaseStatus, people: dict[str, str] | None = None) -> str:
    template = environment().get_template(f"{paper.value}.html")
    return template.render(
        case=case,
        people=people or {},
        title=paper_name(paper, case),
        stage_names=STAGE_NAMES,
        causes=TERMINATION_CAUSES,
    )


def table_html(title: str, columns: list[str], rows: list[list[str]]) -> str:
    """A plain table paper (the tracking table, 附件3)."""
    template = environment().get_template("table.html")
    return template.render(title=title, columns=columns, rows=rows)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # loads Pango; only the processes that print pay for it

    return HTML(string=printable(html)).write_pdf()


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("papers", "templates"),
        autoescape=select_autoescape(),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day_text
    env.filters["when"] = time_text
    return env
