"""Backup and restore (deploy/backup.sh, deploy/restore.sh) on a throwaway PostgreSQL cluster.

A ledger and its documents are backed up, restored into another database and directory,
and proved by verify-ledger and verify-documents; a restored ledger that was changed, or a
backup whose files no longer match their checksums, fails the restore.
"""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from store.db import create_schema, make_engine
from tests.support import postgres
from tests.support.ledger_entries import write_entries

ROOT = Path(__file__).resolve().parents[2]


def _run(script: str, argument: Path, url: str, documents: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DAIBAN_")}
    environment.update(DAIBAN_DATABASE_URL=url, DAIBAN_DOCUMENTS_DIR=str(documents))
    # The scripts call `python`, the image's; here it is the interpreter running the tests,
    # whether or not its virtualenv is activated.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment['PATH']}"
    return subprocess.run(
        [str(ROOT / "deploy" / script), str(argument)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _ledger(url: str, entries: int) -> None:
    engine = make_engine(url)
    create_schema(engine)
    write_entries(engine, entries)
    engine.dispose()


def test_a_backup_restores_into_another_database_and_verifies(tmp_path: Path) -> None:
    with postgres.cluster() as cluster:
        source, target = cluster.create_database("live"), cluster.create_database("restored")
        _ledger(source, 12)
        documents = tmp_path / "documents"
        stored = documents / "objects" / "ab" / ("ab" + "0" * 62)
        stored.parent.mkdir(parents=True)
        stored.write_bytes(b"%PDF-1.7 a scanned licence")

        backed_up = _run("backup.sh", tmp_path / "backups", source, documents)
        assert backed_up.returncode == 0, backed_up.stderr
        backup = Path(backed_up.stdout.strip().splitlines()[-1])
        assert {p.name for p in backup.iterdir()} == {
            "database.dump",
            "documents.tar",
            "SHA256SUMS",
        }

        restored_documents = tmp_path / "restored-documents"
        restored = _run("restore.sh", backup, target, restored_documents)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "台账完整：12条记录的哈希链全部核验通过" in restored.stdout
        copy = restored_documents / stored.relative_to(documents)
        assert copy.read_bytes() == stored.read_bytes()
        engine = make_engine(target)
        with engine.connect() as connection:
            count = connection.execute(text("select count(*) from ledger_entry")).scalar_one()
        assert count == 12

        engine.dispose()

        # A ledger changed behind the chain's back before the backup: the restore says so.
        changed = make_engine(source)
        with changed.begin() as connection:
            connection.execute(
                text("update ledger_entry set summary = '改过' where key = 'BZ-2026-00009/run/e3'")
            )
        changed.dispose()
        of_changed = _run("backup.sh", tmp_path / "backups-2", source, documents)
        backup_of_changed = Path(of_changed.stdout.strip().splitlines()[-1])
        refused = _run("restore.sh", backup_of_changed, target, restored_documents)
        assert refused.returncode != 0
        assert "台账被改动" in refused.stdout + refused.stderr

        # A backup whose dump was damaged is refused before anything is touched.
        with (backup / "database.dump").open("r+b") as dump:
            dump.seek(200)
            dump.write(b"\0\0\0\0")
        damaged = _run("restore.sh", backup, target, restored_documents)
        assert damaged.returncode != 0
        assert "database.dump" in damaged.stdout + damaged.stderr
