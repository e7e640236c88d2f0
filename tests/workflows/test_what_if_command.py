"""``python -m ops what-if``: a run from the example files, its table, list and show, and
the refusals a person reads."""

import json
from pathlib import Path

import pytest

from ops.cli import main

EXAMPLES = Path(__file__).parents[2] / "simulation" / "examples"


@pytest.fixture
def ops_env(settings_env, tmp_path: Path) -> Path:
    settings_env(
        DAIBAN_DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite'}",
        DAIBAN_WHAT_IF_DIR=str(tmp_path / "what-if"),
    )
    assert main(["migrate"]) == 0
    return tmp_path / "what-if"


def test_a_run_from_the_example_files_prints_its_table_and_keeps_its_files(
    ops_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    change = EXAMPLES / "change-planning-permit-10-days.toml"
    baseline = EXAMPLES / "baseline-bozhou.toml"
    code = main(
        [
            "what-if",
            "new",
            "--change",
            str(change),
            "--baseline",
            str(baseline),
            "--weeks",
            "1",
            "--seeds",
            "1",
            "--start",
            "2027-03-01",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "逾期事项" in out and "48小时协调" in out and "what-if.xlsx" in out
    assert "推演编号" in err and "100.0%" in err  # the progress bar reached the end
    (run,) = [p for p in ops_env.iterdir() if p.is_dir()]
    assert (run / "comparison.json").exists() and (run / "what-if.xlsx").exists()
    assert not list(run.rglob("*.sqlite-wal"))  # each world's ledger is closed

    assert main(["--json", "what-if", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["run_id"], r["status"]) for r in listed] == [(run.name, "done")]
    assert main(["--json", "what-if", "show", run.name]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {f["key"] for f in shown["figures"]} >= {"matters_overdue", "coordinations"}


def test_bad_input_is_refused_in_chinese(ops_env: Path, capsys, tmp_path: Path) -> None:
    change = EXAMPLES / "change-planning-permit-10-days.toml"
    assert main(["what-if", "new", "--change", str(change)]) == 2
    assert "请给出基线" in capsys.readouterr().err
    broken = tmp_path / "broken.toml"
    broken.write_text(
        'name = "x"\n[packs.BZ.matters.construction-planning-permit]\npromised_days = 99\n'
    )
    baseline = EXAMPLES / "baseline-bozhou.toml"
    assert main(["what-if", "new", "--change", str(broken), "--baseline", str(baseline)]) == 2
    assert "BZ 的政策包变更无效" in capsys.readouterr().err
    assert main(["what-if", "show", "no-such-run"]) == 2
    assert "没有编号为no-such-run的推演" in capsys.readouterr().err
    learned = ["what-if", "learn", "--learn-from", "2026-01-01", "--learn-until", "2026-02-01"]
    assert main(learned) == 2
    assert "没有受理的案件" in capsys.readouterr().err
