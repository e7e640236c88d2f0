"""The one validated settings object: every address the code needs comes from here.

Values come from environment variables prefixed ``DAIBAN_`` (or a ``.env`` file), so the
same code runs on the embedded stack and against a Temporal cluster with PostgreSQL.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, FilePath, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DAIBAN_", env_file=".env", extra="ignore")

    temporal_address: str = Field("localhost:7233", pattern=r"^[\w.\-]+:\d{1,5}$")
    temporal_namespace: str = Field("default", min_length=1)
    # A secured Temporal: a self-hosted cluster behind TLS or mTLS, or Temporal Cloud.
    # TLS is on when temporal_tls is true or any TLS file or the API key is set. Without a
    # CA file the system's roots verify the server; the server name overrides the name
    # checked against its certificate (and sent as SNI) when the address is not that name.
    temporal_tls: bool = False
    temporal_tls_server_ca_file: FilePath | None = None
    temporal_tls_server_name: str | None = Field(None, pattern=r"^[\w.\-]+$")
    # mTLS: the client certificate (PEM, with its chain) and its private key (PEM).
    temporal_tls_client_cert_file: FilePath | None = None
    temporal_tls_client_key_file: FilePath | None = None
    # Temporal Cloud's API key, sent as a bearer token on every call.
    temporal_api_key: SecretStr | None = None
    # Extra gRPC metadata on every call (a gateway's tenant or route header), as JSON:
    # DAIBAN_TEMPORAL_GRPC_METADATA='{"x-tenant": "zhou"}'. gRPC keys are lower case.
    temporal_grpc_metadata: dict[str, str] = {}
    # Temporal's own Web UI, which the console's ops pages link each workflow to (its
    # history, pending activities, reset points); empty: no links. scripts/run's dev
    # server serves it here; a cluster sets its UI's address.
    temporal_ui_url: str = Field("http://127.0.0.1:8233", pattern=r"^(https?://\S+)?$")
    task_queue: str = Field("daiban-cases", min_length=1)
    database_url: str = "sqlite:///var/daiban.db"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    # A message gateway (SMS, 政务微信, e-mail) that takes notices by POST; without one,
    # notices are delivered to the inbox (GET /notifications) only.
    notification_webhook_url: str | None = Field(None, pattern=r"^https?://")
    # A 委托书 with 50 matters is a few KiB; nothing a person sends comes near this.
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    # Signs sign-in tokens. Unset, a random secret is made once and kept in
    # token_secret_file, so the embedded stack signs people in from a fresh clone; a
    # deployment with several API processes sets one secret for all of them.
    token_secret: SecretStr | None = Field(None, min_length=32)
    token_secret_file: Path = Path("var/token-secret")
    # A working day: people sign in each morning. Tokens for systems are given longer
    # lives by ops (python -m ops account token --hours).
    token_hours: int = Field(8, ge=1, le=24 * 90)
    # The console's cookies carry the Secure flag when this is true. Behind a proxy that
    # ends TLS the API sees plain http, so a deployment sets it; unset, it follows the
    # request's scheme (the embedded default on http://127.0.0.1).
    cookie_secure: bool | None = None
    # How long a keyed case opening holds its key: a retry after this takes the claim over
    # (the first attempt died) and finds or opens the case the key reserved.
    idempotency_lease_seconds: int = Field(30, ge=1, le=3600)
    # Database waits, bounded so a stuck transaction makes a retryable 503, not a hang:
    # how long a statement waits for a lock, and (PostgreSQL) how long a session may sit
    # idle inside a transaction before the server ends it.
    database_lock_timeout_ms: int = Field(5000, ge=100, le=600_000)
    database_idle_in_transaction_ms: int = Field(10_000, ge=1000, le=3_600_000)

    # The worker's limits (worker.py). Each default and when to change it is in
    # docs/production.md, with the metrics that show it is wrong.
    worker_max_cached_workflows: int = Field(1000, ge=2)
    worker_max_concurrent_workflow_tasks: int = Field(100, ge=2)
    worker_activity_threads: int = Field(16, ge=1, le=512)
    worker_max_concurrent_local_activities: int = Field(16, ge=1, le=512)
    worker_workflow_task_pollers: int = Field(5, ge=2, le=100)
    worker_activity_task_pollers: int = Field(5, ge=1, le=100)
    worker_sticky_timeout_seconds: float = Field(10, gt=0, le=600)
    worker_graceful_shutdown_seconds: float = Field(10, ge=0, le=3600)
    # Worker versioning: the build this worker runs, e.g. the image's git commit. Unset,
    # the SDK hashes the loaded code. With versioning on, the server routes each case's
    # tasks by deployment version (set the current one with `temporal worker deployment`);
    # cases move to a new build at their next task (auto-upgrade), their changes being
    # guarded by workflow.patched.
    worker_build_id: str | None = Field(None, pattern=r"^[A-Za-z0-9._+\-]+$", max_length=255)
    worker_versioning: bool = False
    worker_deployment_name: str = Field("daiban", pattern=r"^[A-Za-z0-9._\-]+$", max_length=255)
    # Prometheus: where the worker serves the SDK's metrics (host:port); unset, none.
    worker_metrics_address: str | None = Field(None, pattern=r"^[\w.\-]+:\d{1,5}$")

    # Documents (materials and results): their bytes under this directory by default, by
    # SHA-256; with a bucket set, in S3-compatible object storage instead (credentials from
    # the usual AWS_* variables or the instance's role), for several API processes.
    documents_dir: Path = Path("var/documents")
    # What-if runs (python -m ops what-if, the console's 政策推演 page): one directory each,
    # with its throwaway ledgers, under this one. Never the live database.
    what_if_dir: Path = Path("var/what-if")
    documents_s3_bucket: str | None = Field(None, min_length=3, max_length=63)
    documents_s3_endpoint_url: str | None = Field(None, pattern=r"^https?://")
    documents_s3_prefix: str = "documents/"
    documents_s3_region: str | None = None
    # The largest file one upload may carry; a scanned 证照 or a bound 申请材料 PDF is a few
    # MB to a few tens of MB.
    document_max_bytes: int = Field(100 * 1024 * 1024, ge=1024)

    @field_validator("temporal_grpc_metadata")
    @classmethod
    def _grpc_metadata_keys(cls, metadata: dict[str, str]) -> dict[str, str]:
        for key in metadata:
            if not key or key != key.lower() or not all(c.isalnum() or c in "-_." for c in key):
                raise ValueError(f"gRPC metadata key {key!r}: lower-case letters, digits, - _ .")
            if key.endswith("-bin"):
                raise ValueError(f"gRPC metadata key {key!r}: binary (-bin) values are not taken")
        return metadata

    @model_validator(mode="after")
    def _client_cert_with_its_key(self) -> "Settings":
        if (self.temporal_tls_client_cert_file is None) != (
            self.temporal_tls_client_key_file is None
        ):
            raise ValueError(
                "mTLS needs both DAIBAN_TEMPORAL_TLS_CLIENT_CERT_FILE and "
                "DAIBAN_TEMPORAL_TLS_CLIENT_KEY_FILE"
            )
        return self

    @property
    def temporal_uses_tls(self) -> bool:
        return bool(
            self.temporal_tls
            or self.temporal_tls_server_ca_file
            or self.temporal_tls_server_name
            or self.temporal_tls_client_cert_file
            or self.temporal_api_key
        )

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        if not url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        if url.startswith("postgresql://"):
            # SQLAlchemy's bare postgresql:// means psycopg2; we ship psycopg 3.
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url


@lru_cache
def get_settings() -> Settings:
    return Settings()
