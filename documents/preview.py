"""A page of a document as an image, so a clerk reads it in the page instead of
downloading it: a PDF's page rendered by PDFium, an image scaled to the screen."""

import io
from pathlib import Path

import pypdfium2
from PIL import Image

from domain.documents import DocumentType

WIDTH = 1200  # pixels: a page readable on a 1366-wide screen, a few hundred KB as PNG


class NoSuchPage(Exception):
    def __init__(self, pages: int) -> None:
        super().__init__(pages)
        self.pages = pages


def render_page(path: Path, kind: DocumentType, page: int) -> tuple[bytes, int]:
    """Page ``page`` (from 1) as PNG, and how many pages there are."""
    pages = 1
    if kind is DocumentType.PDF:
        image, pages = _pdf_page(path, page)
    else:
        if page != 1:
            raise NoSuchPage(1)
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        if image.width > WIDTH:
            image = image.resize((WIDTH, round(image.height * WIDTH / image.width)))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue(), pages


def _pdf_page(path: Path, page: int) -> tuple[Image.Image, int]:
    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            raise NoSuchPage(len(pdf))
        pdf_page = pdf[page - 1]
        try:
            width = pdf_page.get_width() or WIDTH
            bitmap = pdf_page.render(scale=WIDTH / width)
            return bitmap.to_pil(), len(pdf)
        finally:
            pdf_page.close()
    finally:
        pdf.close()
