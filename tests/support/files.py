"""Files of every type a person sends, good and bad, made in memory for the tests."""

import io
import zipfile

import pikepdf
from docx import Document as DocxDocument
from openpyxl import Workbook
from PIL import Image


def pdf(pages: int = 1, text: str = "") -> bytes:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    if text:
        document.docinfo["/Title"] = text  # different text, different bytes
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return out.getvalue()


def owner_locked_pdf() -> bytes:
    """Opens without a password but carries permissions: encrypted all the same."""
    document = pikepdf.new()
    document.add_blank_page()
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(owner="owner", user=""))
    return out.getvalue()


def damaged_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nthis is no pdf at all\n"


def image(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def docx() -> bytes:
    document = DocxDocument()
    document.add_paragraph("申请书")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "投资明细"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ofd() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
        package.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def ole() -> bytes:
    """What an encrypted DOCX is on disk: an OLE compound file, not a ZIP."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048
