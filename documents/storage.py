"""Where a document's bytes live, by their SHA-256: the same bytes are stored once.

``LocalStorage`` keeps them under ``var/documents`` (the embedded default);
``S3Storage`` in an S3-compatible bucket, for a deployment with several API processes.
An object appears whole or not at all: a local one by an atomic rename of its fsynced
staging file, an S3 one when its (multipart) upload completes. Objects are never
rewritten, and deleted only by ``purge`` after the retention period.
"""

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from settings import Settings

CHUNK = 1024 * 1024


class Storage(Protocol):
    staging: Path

    def put(self, staged: Path, sha256: str, progress: Callable[[int], None] | None = None) -> bool:
        """Store the staged file as ``sha256`` (it is moved or removed); False when those
        bytes were stored already. ``progress`` hears of the bytes sent, as they go."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def chunks(self, sha256: str) -> Iterator[bytes]: ...

    def local_copy(self, sha256: str) -> Any:
        """A context manager giving a local path to the bytes (a PDF reader needs one)."""
        ...

    def delete(self, sha256: str) -> None: ...

    def check(self) -> None:
        """Raise unless a document could be stored now (the API's readiness asks)."""
        ...


def rehash(storage: Storage, sha256: str) -> str | None:
    """The SHA-256 of what storage holds under ``sha256`` now, or None if nothing."""
    if not storage.exists(sha256):
        return None
    digest = hashlib.sha256()
    for chunk in storage.chunks(sha256):
        digest.update(chunk)
    return digest.hexdigest()


def _relative(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.staging = root / "staging"

    def _path(self, sha256: str) -> Path:
        return self.objects / _relative(sha256)

    def check(self) -> None:
        for directory in (self.root, self.staging):
            directory.mkdir(parents=True, exist_ok=True)
            if not os.access(directory, os.W_OK | os.X_OK):
                raise PermissionError(f"{directory} 不可写")

    def put(self, staged: Path, sha256: str, progress: Callable[[int], None] | None = None) -> bool:
        target = self._path(sha256)
        if target.exists():
            staged.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.chmod(0o444)
        os.replace(staged, target)  # staging is under the same root: one filesystem
        return True

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def chunks(self, sha256: str) -> Iterator[bytes]:
        with self._path(sha256).open("rb") as file:
            while chunk := file.read(CHUNK):
                yield chunk

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        yield self._path(sha256)

    def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str, staging: Path) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.staging = staging

    def _key(self, sha256: str) -> str:
        return f"{self.prefix}{_relative(sha256)}"

    def check(self) -> None:
        # The bucket answers and our credentials reach it; staging is the upload's disk.
        self.client.head_bucket(Bucket=self.bucket)
        self.staging.mkdir(parents=True, exist_ok=True)

    def put(self, staged: Path, sha256: str, progress: Callable[[int], None] | None = None) -> bool:
        try:
            if self.exists(sha256):
                return False
            # upload_file streams from disk, in parts for a large file; the object exists
            # only once the last part is in, and a failed upload is aborted, parts and all.
            self.client.upload_file(str(staged), self.bucket, self._key(sha256), Callback=progress)
            return True
        finally:
            staged.unlink(missing_ok=True)

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def chunks(self, sha256: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    @contextmanager
    def local_copy(self, sha256: str) -> Iterator[Path]:
        self.staging.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.staging, suffix=".copy") as copy:
            with open(copy.name, "wb") as out:
                for chunk in self.chunks(sha256):
                    out.write(chunk)
            yield Path(copy.name)

    def delete(self, sha256: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))


def storage_for(settings: "Settings") -> Storage:
    """Local files under ``documents_dir``, or the S3 bucket when one is set (credentials
    from the usual AWS variables or the instance's role, never from our settings)."""
    root = settings.documents_dir
    if settings.documents_s3_bucket is None:
        return LocalStorage(root)
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=settings.documents_s3_endpoint_url,
        region_name=settings.documents_s3_region,
    )
    return S3Storage(
        client, settings.documents_s3_bucket, settings.documents_s3_prefix, root / "staging"
    )


def clear_staging(storage: Storage, older_than_seconds: float = 24 * 3600) -> int:
    """Remove staging files left by a process that died mid-upload (none of them was
    stored); only old ones, as another process may be receiving into the same directory."""
    if not storage.staging.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for leftover in storage.staging.iterdir():
        if leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
