"""Engine and sessions for SQLite (the embedded default) or PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event, inspect
from sqlmodel import Session, SQLModel, create_engine

from store import tables  # noqa: F401  (registers the tables on SQLModel.metadata)


def make_engine(database_url: str) -> Engine:
    """Create the engine; on SQLite, WAL lets the API read while the worker writes."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        return engine
    return create_engine(database_url, pool_pre_ping=True)


MIGRATIONS = Path(__file__).parent / "migrations"


def create_schema(engine: Engine) -> None:
    """Bring the database to the current schema.

    A new database is created from the models and stamped at the newest revision (Alembic's
    recipe); an existing one is migrated. Run ``python -m store.migrate`` before starting
    several processes on one database, so they do not migrate it at the same time.
    """
    with engine.begin() as connection:
        config = _alembic(connection)
        if inspect(connection).has_table("case_projection"):
            command.upgrade(config, "head")
        else:
            SQLModel.metadata.create_all(connection)
            command.stamp(config, "head")


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


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
