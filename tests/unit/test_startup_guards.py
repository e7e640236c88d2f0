"""What a process checks before it serves: one token secret for all, a private database
file, and one migration at a time however many processes start together."""

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services import tokens
from settings import Settings
from store.db import make_engine


def test_processes_starting_together_read_one_whole_secret(tmp_path: Path) -> None:
    settings = Settings(token_secret_file=tmp_path / "var" / "token-secret")
    with ThreadPoolExecutor(12) as pool:
        secrets = set(pool.map(lambda _: tokens.signing_secret(settings), range(48)))
    assert len(secrets) == 1 and len(secrets.pop()) >= tokens.MIN_SECRET_LENGTH
    mode = stat.S_IMODE(os.stat(settings.token_secret_file).st_mode)
    assert mode == 0o600
    assert [p.name for p in settings.token_secret_file.parent.iterdir()] == ["token-secret"]


def test_an_empty_secret_file_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "token-secret"
    path.write_text("\n")
    with pytest.raises(tokens.SecretUnusable, match="no usable token secret"):
        tokens.signing_secret(Settings(token_secret_file=path))


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "var" / "daiban.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect():
        pass
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600


def test_six_processes_migrating_one_new_database_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'daiban.db'}"
    environment = {**os.environ, "DAIBAN_DATABASE_URL": url}
    root = Path(__file__).parents[2]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "store.migrate"],
            cwd=root,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    results = [
        (p.wait(timeout=120), p.stderr.read().decode()[-500:]) for p in processes if p.stderr
    ]
    assert [code for code, _ in results] == [0] * 6, results
