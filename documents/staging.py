"""A file on its way in: written to a staging file as it arrives, hashed and counted as
it goes, and refused the moment it passes the limit.

Nothing of it reaches storage until it has arrived whole and passed its checks; whatever
happens before, ``discard`` removes the staging file, so an interrupted upload leaves no
partial object anywhere.
"""

import hashlib
import os
import re
import uuid
from pathlib import Path

# Controls, and the direction overrides that make "exe.pdf" display as "fdp.exe".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def display_name(raw: str) -> str:
    """The name a person gave the file, for display only: its last path segment, without
    control characters, at most 120 characters. It never becomes a path."""
    name = re.split(r"[\\/]", raw)[-1]
    name = _UNSAFE.sub("", name).strip()
    return name[-120:] or "未命名文件"


class StagedFile:
    def __init__(self, directory: Path, limit: int) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{uuid.uuid4().hex}.part"
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()
        self._file = self.path.open("wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise TooLarge(self.limit)
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> str:
        """Flush it to disk; its SHA-256."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        return self._hash.hexdigest()

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)
