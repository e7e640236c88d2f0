"""Engine and sessions for SQLite (the embedded default) or PostgreSQL."""

import fcntl
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlmodel import Session, SQLModel, create_engine

from domain.errors import Unavailable
from store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

if TYPE_CHECKING:
    from settings import Settings

# A SQLite engine's writers in this process take turns (one_writer); bounded like SQLite's wait.
WRITER_WAIT_SECONDS = 10.0
_WRITERS: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()


def make_engine(
    database_url: str, *, lock_timeout_ms: int = 5000, idle_in_transaction_ms: int = 10_000
) -> Engine:
    """Create the engine; on SQLite, WAL lets the API read while the worker writes.

    Waits are bounded: a statement waits at most ``lock_timeout_ms`` for a lock (SQLite's
    busy timeout, PostgreSQL's lock_timeout), and PostgreSQL ends a session idle in a
    transaction after ``idle_in_transaction_ms``, so one stuck session (30 s on the chain
    head stalled a review for 29 s) becomes a retryable 503, not a hang. A new SQLite file
    is made readable by its owner only: it holds password hashes.
    """
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(database_url, connect_args={"check_same_thread": False})
        _WRITERS[engine] = threading.Lock()  # see one_writer

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout_ms)}")
            cursor.close()

        return engine
    options = (
        f"-c lock_timeout={int(lock_timeout_ms)} "
        f"-c idle_in_transaction_session_timeout={int(idle_in_transaction_ms)}"
    )
    return create_engine(database_url, pool_pre_ping=True, connect_args={"options": options})


def engine_for(settings: "Settings") -> Engine:
    return make_engine(
        settings.database_url,
        lock_timeout_ms=settings.database_lock_timeout_ms,
        idle_in_transaction_ms=settings.database_idle_in_transaction_ms,
    )


def _private_file(path: Path) -> None:
    """Create the database file 0600 (its -wal and -shm files take the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


MIGRATIONS = Path(__file__).parent / "migrations"


def create_schema(engine: Engine) -> None:
    """Bring the database to the current schema.

    A new database is created from the models and stamped at the newest revision (Alembic's
    recipe); an existing one is migrated. Only the migrator calls this (``python -m ops
    migrate``, a deployment's migration job): the worker and the API check the schema with
    `require_current_schema` and refuse to start on another one.
    """
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes starting at once migrate one at a time (one crashed with
            # UniqueViolation before); the lock ends with this transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config = _alembic(connection)
        if inspect(connection).has_table("case_projection"):
            command.upgrade(config, "head")
        else:
            SQLModel.metadata.create_all(connection)
            command.stamp(config, "head")


class SchemaNotCurrent(RuntimeError):
    """The database's schema is not the one this build needs; the message says what to run."""


@lru_cache(maxsize=1)
def _migration_scripts() -> ScriptDirectory:
    """The migrations this build ships: read from disk once per process, not per /ready."""
    return ScriptDirectory.from_config(_alembic(None))


def head_revision() -> str:
    """The newest migration this build ships."""
    head = _migration_scripts().get_current_head()
    assert head is not None
    return head


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; None for an empty database."""
    # Read directly, not through Alembic's MigrationContext, which logs at every call
    # (readiness asks each few seconds).
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return found.first()


def require_current_schema(engine: Engine) -> str:
    """The schema's revision if it is this build's; else `SchemaNotCurrent` saying why.

    Processes check rather than migrate: several starting at once would race, and a
    deployment migrates once, in its migration job, before new processes start.
    """
    current, head = schema_revision(engine), head_revision()
    if current == head:
        return current
    if current is None:
        raise SchemaNotCurrent(
            f"数据库还没有结构（本版本需要 {head}）：先运行 python -m ops migrate"
        )
    try:
        known = _migration_scripts().get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise SchemaNotCurrent(
            f"数据库结构 {current} 比本版本（{head}）新：请部署与数据库相符的新版本"
        )
    raise SchemaNotCurrent(
        f"数据库结构是 {current}，本版本需要 {head}：先运行 python -m ops migrate"
    )


_MIGRATION_LOCK = 0x6461_6962  # "daib": this application's advisory lock


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """SQLite takes its write lock only at the first write, after the schema was read:
    a file lock beside the database serialises migrating processes instead."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alembic(connection: Connection | None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def one_writer(engine: Engine) -> Iterator[None]:
    """On SQLite, this process's writers take turns before asking SQLite for its write lock.

    SQLite's busy handler polls with growing sleeps and lets a newcomer in ahead of a
    writer that has waited, so at ten concurrent actions a ledger write now and then waited
    past its 5 s timeout ("database is locked") and was retried: the tail of every action's
    latency. A lock per engine queues them here instead. PostgreSQL queues its lock waiters
    itself.
    """
    turn = _WRITERS.get(engine)  # SQLite engines only, made so by make_engine
    if turn is None:
        yield
        return
    if not turn.acquire(timeout=WRITER_WAIT_SECONDS):  # bounded, as SQLite's own wait is
        raise Unavailable(f"数据库写入排队超过{WRITER_WAIT_SECONDS:.0f}秒，请稍后重试")
    try:
        yield
    finally:
        turn.release()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed on success, rolled back on error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
