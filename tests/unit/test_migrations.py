"""Alembic migrations: a database from before them, or from any revision, ends up with
exactly the schema the models describe; a new one is created and stamped."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from store.db import _alembic, create_schema, make_engine

HEAD = "0015"


def _differences(engine: Engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def _revision(engine: Engine) -> str:
    return _one(engine, "select version_num from alembic_version")[0]


def _at(engine: Engine, revision: str, insert: str) -> None:
    """The database migrated to ``revision``, with a row as that revision stored it."""
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), revision)
        connection.execute(text(insert))


def _to_head(engine: Engine) -> None:
    """Migrated as a start-up does: it must end exactly at the models, stamped."""
    create_schema(engine)
    assert _differences(engine) == []
    assert _revision(engine) == HEAD


def _one(engine: Engine, query: str) -> tuple:
    with engine.connect() as connection:
        return tuple(connection.execute(text(query)).one())


def test_a_new_database_is_created_from_the_models_and_stamped(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    create_schema(engine)
    _to_head(engine)  # a second start changes nothing


def test_a_database_at_the_first_revision_with_rows_is_migrated_to_the_models(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    _at(
        engine,
        "0001",
        "insert into case_projection (case_id, workflow_id, jurisdiction, park,"
        " enterprise_name, uscc, project_name, stage, opened_at, entrustment_end,"
        " version) values ('BZ-2026-00001', 'BZ-2026-00001', 'BZ', 'bole-wutai', 'e',"
        " '91350100M000100Y43', 'p', 'processing', '2026-11-01 02:00:00', '2027-06-30', 3)",
    )
    assert "case_county" not in inspect(engine).get_table_names()
    _to_head(engine)
    row = _one(engine, "select stage, county, cross_county, open_problems from case_projection")
    assert row == ("processing", "", 0, 0)


@pytest.mark.both_databases
def test_every_revision_runs_in_turn_on_each_database(database_url: str) -> None:
    """From the first revision to the last, one at a time, with a matter row on the way:
    a deployment on PostgreSQL migrates through the same revisions as SQLite."""
    engine = make_engine(database_url)
    _at(
        engine,
        "0014",
        "insert into matter_projection (case_id, code, name, department,"
        " department_name, state, open_correction, correction_count, clock_paused,"
        " deadline_provisional, warned, overdue, county, cross_county, version)"
        " values ('BZ-2026-00001', 'm', 'n', 'd', 'dn', 'correction_requested', '[]',"
        " 1, true, false, false, false, '', false, 4)",
    )
    _to_head(engine)
    row = _one(engine, "select correction_count, correction_requested_at from matter_projection")
    assert row == (1, None)  # filled by the matter's next write, not guessed here


def test_a_database_made_before_migrations_existed_is_taken_over(tmp_path: Path) -> None:
    """``create_all`` made these, with no alembic_version: the baseline creates only what
    is missing, then the later revisions run."""
    engine = make_engine(f"sqlite:///{tmp_path / 'legacy.db'}")
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), "0001")
        connection.execute(text("drop table alembic_version"))
        connection.execute(text("drop table notification_delivery"))  # older than the outbox
    create_schema(engine)
    assert _differences(engine) == []


def test_entries_written_before_the_chain_are_chained_by_the_migration(tmp_path: Path) -> None:
    from store.chain import verify

    engine = make_engine(f"sqlite:///{tmp_path / 'unchained.db'}")
    with engine.begin() as connection:
        command.upgrade(_alembic(connection), "0003")
        for n in (1, 2, 3):
            connection.execute(
                text(
                    "insert into ledger_entry (key, case_id, workflow_id, event, actor_id,"
                    " actor_role, occurred_at, recorded_at, summary, details) values"
                    f" ('k{n}', 'BZ-2026-00001', 'BZ-2026-00001', 'plan_agreed', 'li',"
                    " 'coordinator', '2026-11-01 02:00:00', '2026-11-01 02:00:01.5', '计划',"
                    " '{\"n\": 1}')"
                )
            )
    create_schema(engine)
    assert _differences(engine) == []
    result = verify(engine)
    assert (result.ok, result.entries) == (True, 3)
    # Written before the one-time rule, the three plans stay in the record; only the first
    # holds the case's one-time key, so a fourth can no longer be appended.
    with engine.connect() as connection:
        keys = connection.execute(text("select once_key from ledger_entry order by id")).all()
    assert [k for (k,) in keys] == ["BZ-2026-00001||plan", None, None]
