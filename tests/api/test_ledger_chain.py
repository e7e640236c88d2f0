"""The ledger's hash chain: a real case verifies, and any edited, removed or reordered
entry, or a removed last entry, is found, by the API and by the command line."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text

from domain.actors import Actor, Role
from domain.ledger import LedgerEntry, LedgerEvent, LedgerWrite
from ops.cli import main as ops_cli
from store import ledger
from store.chain import verify
from store.db import create_schema, make_engine
from tests.support.driver import CaseDriver
from tests.support.identities import ops
from tests.support.ledger_entries import NOW, ops_write, write_entries

pytestmark = pytest.mark.both_databases  # and on PostgreSQL


def _sql(engine: Engine, *statements: str) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


async def test_a_whole_case_verifies(driver: CaseDriver, engine: Engine) -> None:
    case_id = await driver.registration_only_case_at_delivery()
    result = verify(engine)
    assert result.ok and result.entries == len(await driver.ledger(case_id))
    checked = (await driver.http.get("/ops/ledger-verification", headers=ops())).json()
    assert checked["ok"] is True and checked["entries"] == result.entries


def test_an_edited_entry_is_found(engine: Engine) -> None:
    write_entries(engine, 5)
    assert verify(engine).ok
    _sql(engine, "update ledger_entry set summary = '改过' where id = 3")
    result = verify(engine)
    assert (result.ok, result.broken_at, result.entries) == (False, 3, 2)
    assert "被修改" in result.problem and result.case_id == "BZ-2026-00009"


def test_edited_details_are_found(engine: Engine) -> None:
    write_entries(engine, 3)
    _sql(engine, """update ledger_entry set details = '{"i": 9}' where id = 2""")
    assert verify(engine).broken_at == 2


def test_a_removed_entry_is_found(engine: Engine) -> None:
    write_entries(engine, 5)
    _sql(engine, "delete from ledger_entry where id = 2")
    result = verify(engine)
    assert (result.ok, result.broken_at) == (False, 3)
    assert "链接断开" in result.problem


def test_reordered_entries_are_found(engine: Engine) -> None:
    write_entries(engine, 4)
    _sql(
        engine,
        "update ledger_entry set id = 100 where id = 2",
        "update ledger_entry set id = 2 where id = 3",
        "update ledger_entry set id = 3 where id = 100",
    )
    result = verify(engine)
    assert (result.ok, result.broken_at) == (False, 2)


def test_a_removed_last_entry_is_found_by_the_head(engine: Engine) -> None:
    write_entries(engine, 4)
    _sql(engine, "delete from ledger_entry where id = 4")
    result = verify(engine)
    assert not result.ok and result.broken_at is None
    assert "应有4条" in result.problem and "现有3条" in result.problem


def test_the_command_line_verifies_and_exits_1_on_tampering(
    engine: Engine,
    database_url: str,
    settings_env,
    capsys: pytest.CaptureFixture,
) -> None:
    write_entries(engine, 3)
    settings_env(DAIBAN_DATABASE_URL=database_url)
    assert ops_cli(["--json", "verify-ledger"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 3
    _sql(engine, "update ledger_entry set actor_id = 'someone.else' where id = 1")
    assert ops_cli(["verify-ledger"]) == 1
    assert "台账被改动：记录1" in capsys.readouterr().out


def test_concurrent_writers_in_two_processes_keep_one_chain(database_url: str) -> None:
    """Two engines (as the worker and the API are two processes) and eight threads append
    at once; every entry must chain to the one written before it."""
    engines = [make_engine(database_url) for _ in range(2)]
    create_schema(engines[0])

    def write(writer: int) -> None:
        for i in range(25):
            ledger.append(engines[writer % 2], ops_write(f"run/w{writer}-{i}", f"{writer}-{i}"))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    result = verify(engines[0])
    assert result.ok, result
    assert result.entries == 200


def test_writers_of_one_process_take_turns_and_none_times_out(database_url: str) -> None:
    """Sixteen threads of one process (the worker's activity threads) append at once with
    a lock wait of 100 ms: on SQLite they queue in the process rather than in SQLite's busy
    handler, which let some wait past their timeout ("database is locked"). PostgreSQL
    queues its waiters itself; it keeps its usual wait, since a loaded machine may pass 100 ms."""
    sqlite = database_url.startswith("sqlite")
    engine = make_engine(database_url, lock_timeout_ms=100 if sqlite else 5000)
    create_schema(engine)

    def write(writer: int) -> None:
        for i in range(20):
            ledger.append(engine, ops_write(f"run/t{writer}-{i}", f"{writer}-{i}"))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(write, range(16)))
    result = verify(engine)
    assert result.ok and result.entries == 320, result


def test_entries_appended_during_a_verification_are_left_to_the_next(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live system appends while it is verified: the walk stops at the head it read, so
    the new entries are not mistaken for a tampered tail (4 of 6 runs said so before)."""
    from store import chain

    write_entries(engine, 5)
    monkeypatch.setattr(chain, "_BATCH", 2)
    appended = []

    def append_meanwhile(checked: int, total: int) -> None:
        if not appended:
            appended.append(True)
            for i in range(3):
                ledger.append(
                    engine,
                    LedgerWrite(
                        entry=LedgerEntry(
                            key=f"BZ-2026-00009/run/late{i}",
                            case_id="BZ-2026-00009",
                            workflow_id="BZ-2026-00009",
                            event=LedgerEvent.OPS_ACTION,
                            actor=Actor(id="li.si", role=Role.COORDINATOR),
                            occurred_at=NOW,
                            summary="验证期间写入",
                        )
                    ),
                )

    result = verify(engine, append_meanwhile)
    assert result.ok, result.problem
    assert result.entries == 5
    assert verify(engine).entries == 8
