"""Is this file what it says it is, and can it be read? Decided from its bytes.

The name a person gave a file only claims a type; ``filetype`` reads the first bytes, and
each type is then opened the way its reader would (a PDF by pikepdf, an image by Pillow, an
OOXML or OFD package as the ZIP it is), so an empty, disguised, encrypted or damaged file is
refused before it is stored. Every refusal names the file and says why, in Chinese.
"""

import zipfile
from pathlib import Path

import filetype
import pikepdf
from PIL import Image, UnidentifiedImageError

from domain.documents import TYPE_NAMES, DocumentType, accepted_names, claimed_type

_SNIFFED = {
    "application/pdf": DocumentType.PDF,
    "image/jpeg": DocumentType.JPEG,
    "image/png": DocumentType.PNG,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentType.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DocumentType.XLSX,
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted OOXML file, or an old .doc/.xls
_HEAD = 8192


class BadDocument(Exception):
    """The file is refused; the message names it and says why."""


def identify(path: Path, filename: str) -> DocumentType:
    """The file's type, from its content, if it is one we take and it opens; else raise."""
    claimed = claimed_type(filename)
    if claimed is None:
        raise BadDocument(f"「{filename}」：不支持此类文件，仅接收{accepted_names()}")
    with path.open("rb") as file:
        head = file.read(_HEAD)
    if not head:
        raise BadDocument(f"「{filename}」：文件为空")
    found = _sniff(path, head)
    if found is None:
        if head.startswith(_OLE) and claimed in (DocumentType.DOCX, DocumentType.XLSX):
            raise BadDocument(
                f"「{filename}」：文件已加密或为旧版 Office 格式，请解除密码并另存为"
                f"{TYPE_NAMES[claimed]}后再上传"
            )
        raise BadDocument(
            f"「{filename}」：文件内容不是{TYPE_NAMES[claimed]}（扩展名与内容不符或文件已损坏）"
        )
    if found is not claimed:
        raise BadDocument(
            f"「{filename}」：文件名表明是{TYPE_NAMES[claimed]}，内容却是{TYPE_NAMES[found]}"
        )
    _opens(path, found, filename)
    return found


def _sniff(path: Path, head: bytes) -> DocumentType | None:
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    if guessed.mime in _SNIFFED:
        return _SNIFFED[guessed.mime]
    if guessed.mime == "application/zip" and _zip_has(path, "OFD.xml"):
        return DocumentType.OFD
    return None


def _zip_has(path: Path, member: str) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return member in package.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _opens(path: Path, kind: DocumentType, filename: str) -> None:
    if kind is DocumentType.PDF:
        _pdf_opens(path, filename)
    elif kind in (DocumentType.JPEG, DocumentType.PNG):
        _image_opens(path, filename)
    else:
        _package_opens(path, filename)


def _pdf_opens(path: Path, filename: str) -> None:
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise BadDocument(f"「{filename}」：PDF 已加密，请解除密码或权限限制后再上传")
            if len(pdf.pages) == 0:
                raise BadDocument(f"「{filename}」：PDF 没有页面")
    except pikepdf.PasswordError as error:
        raise BadDocument(
            f"「{filename}」：PDF 已加密，须输入密码才能打开，请解除密码后再上传"
        ) from error
    except pikepdf.PdfError as error:
        raise BadDocument(f"「{filename}」：PDF 已损坏，无法打开") from error


def _image_opens(path: Path, filename: str) -> None:
    try:
        with Image.open(path) as image:
            image.verify()  # a PNG's chunks and their checksums, to its end
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise BadDocument(f"「{filename}」：图片已损坏，无法打开") from error
    if _jpeg_cut_short(path):
        raise BadDocument(f"「{filename}」：图片不完整（文件被截断），无法打开")


def _jpeg_cut_short(path: Path) -> bool:
    """A JPEG ends with its EOI marker (FF D9), perhaps followed by a little padding; a
    scan cut off in transfer does not. Decoding the whole image to find out would take
    memory in proportion to its pixels."""
    with path.open("rb") as file:
        if file.read(2) != b"\xff\xd8":
            return False  # not a JPEG (a PNG was verified above)
        file.seek(0, 2)
        size = file.tell()
        file.seek(max(0, size - 1024))
        return b"\xff\xd9" not in file.read()


def _package_opens(path: Path, filename: str) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            broken = package.testzip()
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        # RuntimeError: a member is encrypted (ZIP encryption) and needs a password.
        raise BadDocument(f"「{filename}」：文件已损坏或已加密，无法打开") from error
    if broken is not None:
        raise BadDocument(f"「{filename}」：文件已损坏（{broken}校验失败），无法打开")
