"""One migrator: ``python -m ops migrate`` moves the schema; the processes only check it.

Every process used to migrate at start-up, and several starting at once crashed one. Now a
worker, the API or an ops command on a database at another revision stops with what to run.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from api.app import create_app
from settings import Settings
from store.db import (
    SchemaNotCurrent,
    _alembic,
    head_revision,
    make_engine,
    require_current_schema,
    schema_revision,
)

ROOT = Path(__file__).resolve().parents[2]


def _at_revision(url: str, revision: str) -> None:
    with make_engine(url).begin() as connection:
        command.upgrade(_alembic(connection), revision)


def _run(*command_line: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")}
    environment.update(
        DAIBAN_DATABASE_URL=url,
        DAIBAN_TOKEN_SECRET_FILE=str(tmp_path / "token-secret"),
        DAIBAN_TEMPORAL_ADDRESS="127.0.0.1:1",  # never reached: the schema is checked first
    )
    return subprocess.run(
        [sys.executable, *command_line],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_worker_and_ops_refuse_an_old_schema_and_migrate_moves_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daiban.db'}"
    _at_revision(url, "0013")
    worker = _run("worker.py", url=url, tmp_path=tmp_path)
    assert worker.returncode != 0
    assert f"数据库结构是 0013，本版本需要 {head_revision()}" in worker.stderr
    assert "python -m ops migrate" in worker.stderr
    listing = _run("-m", "ops", "account", "list", url=url, tmp_path=tmp_path)
    assert listing.returncode == 2 and "python -m ops migrate" in listing.stderr
    assert schema_revision(make_engine(url)) == "0013"  # nobody migrated on the side

    migrated = _run("-m", "ops", "--json", "migrate", url=url, tmp_path=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert json.loads(migrated.stdout) == {"from": "0013", "to": head_revision()}
    again = _run("-m", "ops", "migrate", url=url, tmp_path=tmp_path)
    assert again.returncode == 0 and "已是最新" in again.stdout
    assert require_current_schema(make_engine(url)) == head_revision()


async def test_the_api_refuses_to_start_on_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daiban.db'}"
    engine = make_engine(url)
    settings = Settings(
        database_url=url,
        documents_dir=tmp_path / "documents",
        token_secret_file=tmp_path / "token-secret",
    )
    app = create_app(settings, engine=engine)
    with pytest.raises(SchemaNotCurrent, match="数据库还没有结构"):
        async with app.router.lifespan_context(app):
            pass
    assert schema_revision(engine) is None


def test_a_schema_newer_than_this_build_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daiban.db'}"
    _at_revision(url, "head")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("update alembic_version set version_num = '0999'"))
    with pytest.raises(SchemaNotCurrent, match=r"比本版本.*新"):
        require_current_schema(engine)
