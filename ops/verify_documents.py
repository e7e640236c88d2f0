"""Is every document still the file the ledger recorded? A sibling of verify-ledger.

The ledger's hash chain protects each upload's entry, and the entry holds the file's
SHA-256; this walks every version, re-hashes what storage holds for it, and names the
case, matter, material and version of each file that is missing, was replaced, or whose
row no longer agrees with its entry.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine

from documents.storage import Storage, rehash
from store import documents


@dataclass(frozen=True)
class DocumentProblem:
    document_id: str
    case_id: str
    matter: str
    material: str
    version: int
    problem: str

    def describe(self) -> str:
        return (
            f"案件{self.case_id}事项{self.matter}“{self.material}”第{self.version}版"
            f"（文件{self.document_id}）：{self.problem}"
        )


@dataclass
class DocumentVerification:
    checked: int = 0
    problems: list[DocumentProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def verify(
    engine: Engine, storage: Storage, progress: Callable[[int, int], None] | None = None
) -> DocumentVerification:
    result = DocumentVerification()
    total = documents.count(engine)
    for document, recorded in documents.recorded_hashes(engine):
        problem = None
        if recorded is None:
            problem = "台账中没有该文件的上传记录"
        elif recorded != document.sha256:
            problem = "文件记录的哈希与台账不符：文件记录被改动过"
        else:
            held = rehash(storage, document.sha256)
            if held is None:
                problem = "存储中找不到该文件"
            elif held != recorded:
                problem = f"存储中的文件已被替换或损坏（现哈希{held[:12]}，台账为{recorded[:12]}）"
        if problem:
            result.problems.append(
                DocumentProblem(
                    document.id,
                    document.case_id,
                    document.matter,
                    document.material,
                    document.version,
                    problem,
                )
            )
        result.checked += 1
        if progress and result.checked % 500 == 0:
            progress(result.checked, total)
    if progress:
        progress(result.checked, total)
    return result
