"""Documents in S3-compatible object storage, against a real server (moto's server mode):
what the API stores there is what it hands back, a refused or interrupted upload leaves no
object, the same bytes are one object, and verify-documents finds a replaced one."""

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from sqlalchemy import Engine

from documents.storage import S3Storage, rehash, storage_for
from ops import verify_documents
from settings import Settings
from tests.support import files
from tests.support.driver import CaseDriver
from tests.support.identities import api_client, coordinator
from tests.support.s3 import CREDENTIALS, s3_server

BUCKET = "daiban-documents"
REGISTRATION = "enterprise-registration"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as url:
        yield url


@pytest.fixture
def s3_settings(
    s3_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    task_queue: str,
    tmp_path: Path,
) -> Settings:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    bucket = f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')[-20:]}"
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "cn-northwest-1"}
    )
    return Settings(
        task_queue=task_queue,
        database_url=database_url,
        documents_dir=tmp_path / "documents",
        documents_s3_bucket=bucket,
        documents_s3_endpoint_url=s3_endpoint,
        documents_s3_region="cn-northwest-1",
    )


def _objects(settings: Settings) -> list[str]:
    client = boto3.client("s3", endpoint_url=settings.documents_s3_endpoint_url)
    listed = client.list_objects_v2(Bucket=settings.documents_s3_bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


async def test_uploads_round_trip_through_the_bucket(
    s3_settings: Settings, env, engine: Engine, worker, tmp_path: Path
) -> None:
    async with api_client(s3_settings, env.client, engine) as http:
        driver = CaseDriver(http)
        case_id = await driver.open()
        big = files.pdf(pages=300)  # several parts' worth would be slow here; one is enough
        document = await driver.upload(case_id, REGISTRATION, "公司章程", "章程.pdf", big)
        again = await driver.upload(case_id, REGISTRATION, "公司章程", "章程.pdf", big)
        assert again["version"] == 2
        (key,) = _objects(s3_settings)  # one object for the same bytes
        assert key == f"documents/{document['sha256'][:2]}/{document['sha256']}"
        download = await http.get(
            f"/cases/{case_id}/documents/{document['id']}", headers=coordinator()
        )
        assert download.content == big
        preview = await http.get(
            f"/cases/{case_id}/documents/{document['id']}/preview", headers=coordinator()
        )
        assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")
        refused = await driver.upload(
            case_id, REGISTRATION, "公司章程", "加密.pdf", files.encrypted_pdf(), expect=422
        )
        assert "加密.pdf" in refused["error"]["message"]
        assert len(_objects(s3_settings)) == 1
    assert list((tmp_path / "documents" / "staging").iterdir()) == []

    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    assert verify_documents.verify(engine, storage).ok
    storage.client.put_object(Bucket=s3_settings.documents_s3_bucket, Key=key, Body=b"forged")
    result = verify_documents.verify(engine, storage)
    assert [p.case_id for p in result.problems] == [case_id, case_id]  # both versions' bytes
    assert rehash(storage, document["sha256"]) != document["sha256"]


class _Dropped(Exception):
    pass


def test_an_upload_cut_off_midway_leaves_no_object(s3_settings: Settings, tmp_path: Path) -> None:
    """A multipart upload that fails after its first part (the process lost its network, or
    was stopped) is aborted: no object and no dangling parts."""
    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    staged = tmp_path / "big.part"
    staged.write_bytes(b"\x00" * (12 * 1024 * 1024))  # over boto3's 8 MB multipart threshold
    sent = 0

    def drop_after_a_part(sent_now: int) -> None:
        nonlocal sent
        sent += sent_now
        if sent >= 8 * 1024 * 1024:
            raise _Dropped

    with pytest.raises(_Dropped):
        storage.put(staged, "ab" * 32, progress=drop_after_a_part)
    assert _objects(s3_settings) == []
    pending = storage.client.list_multipart_uploads(Bucket=s3_settings.documents_s3_bucket)
    assert pending.get("Uploads", []) == []
    assert not staged.exists()  # the staging file goes either way
