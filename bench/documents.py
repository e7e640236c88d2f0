"""Document upload and download through the API, against a plain copy of the same bytes.

The API runs as its own process (``python -m api.main``, uvicorn) so its memory is its own:
before each transfer its peak RSS is reset (``/proc/PID/clear_refs``), and after it the
peak (``VmHWM``) is read. Each file is a valid PDF of the given size (a page and a stream
of random bytes, so no two uploads are the same object) that the API checks with pikepdf
before storing it. Uploads and downloads alternate with ``shutil.copyfile`` of the same
file on the same disk, so the ratio is taken side by side.

    .venv/bin/python -m bench.documents [--sizes 1 50] [--runs 5]

Writes bench/results/documents.md.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pikepdf

from activities.ledger import LedgerActivities
from bench.machine import publish
from bench.processes import api_process, environment
from logs import configure_logging
from store.db import create_schema, make_engine
from temporal_dev import connect_when_up, dev_server
from temporal_worker import build_worker
from tests.support.driver import application
from tests.support.identities import coordinator, provision

TASK_QUEUE = "bench-documents"
MB = 1024 * 1024


def make_pdf(path: Path, size: int) -> None:
    document = pikepdf.new()
    document.add_blank_page()
    blob = pikepdf.Stream(document, os.urandom(max(size - 2000, 1)))
    document.pages[0].obj["/PieceInfo"] = document.make_indirect(blob)
    document.save(path, compress_streams=False)


def peak_reset(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(sizes: list[int], runs: int) -> list[str]:
    configure_logging("json", "WARNING")
    tmp = Path(tempfile.mkdtemp(prefix="daiban-bench-documents-"))
    rows = []
    with dev_server(tmp / "temporal.db") as address:
        client = await connect_when_up(address)
        database_url = f"sqlite:///{tmp}/daiban.db"
        engine = make_engine(database_url)
        create_schema(engine)
        provision(engine)
        settings = environment(address, TASK_QUEUE, database_url, tmp)
        with (
            api_process(settings, tmp / "api.log") as (base, api),
            ThreadPoolExecutor(8) as executor,
        ):
            async with (
                build_worker(client, TASK_QUEUE, LedgerActivities(engine), executor),
                httpx.AsyncClient(base_url=base, timeout=300) as http,
            ):
                opened = await http.post("/cases", json=application(), headers=coordinator())
                assert opened.status_code == 201, opened.text
                case_id = opened.json()["case_id"]
                idle = rss_mb(api.pid)
                for size in sizes:
                    rows.append(await _measure(http, api.pid, tmp, case_id, size * MB, runs))
    shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        "# Documents through the API against a plain copy",
        "",
        f"{runs} runs per size, upload, download and copy alternated (`bench/documents.py`). "
        "The API is its own uvicorn process; its peak RSS is reset before each transfer and "
        f"read after it. At rest it held {idle:.0f} MB.",
        "",
        "| file | upload MB/s | download MB/s | plain copy MB/s | upload / copy | "
        "download / copy | API peak RSS, upload (MB) | API peak RSS, download (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['size']} MB | {row['up']:.0f} | {row['down']:.0f} | {row['copy']:.0f} | "
            f"{row['up'] / row['copy']:.2f} | {row['down'] / row['copy']:.2f} | "
            f"{row['up_peak']:.0f} | {row['down_peak']:.0f} |"
        )
    grow = rows[-1]["up_peak"] - rows[0]["up_peak"]
    lines += [
        "",
        f"Peak RSS from the smallest to the largest file grew by {grow:.0f} MB on upload "
        f"while the file grew {rows[-1]['size'] - rows[0]['size']} MB: the file is streamed "
        "to a staging file and checked there, never held whole.",
        "",
        "MB/s is the median over the runs. An upload is received, hashed, written, fsynced,",
        "opened by pikepdf and moved into storage; a plain copy only reads and writes.",
        "",
    ]
    return lines


async def _measure(
    http: httpx.AsyncClient, pid: int, tmp: Path, case_id: str, size: int, runs: int
) -> dict[str, float]:
    up, down, copy, up_peak, down_peak = [], [], [], [], []
    for run in range(runs):
        source = tmp / f"in-{size}-{run}.pdf"
        make_pdf(source, size)
        actual = source.stat().st_size / MB

        peak_reset(pid)
        started = time.perf_counter()
        with source.open("rb") as file:
            answer = await http.post(
                f"/cases/{case_id}/matters/enterprise-registration/documents",
                data={"material": "公司章程"},
                files={"file": ("章程.pdf", file, "application/pdf")},
                headers=coordinator(),
            )
        assert answer.status_code == 201, answer.text
        document_id = answer.json()["id"]
        up.append(actual / (time.perf_counter() - started))
        up_peak.append(peak_mb(pid))

        peak_reset(pid)
        started = time.perf_counter()
        async with http.stream(
            "GET", f"/cases/{case_id}/documents/{document_id}", headers=coordinator()
        ) as answer:
            assert answer.status_code == 200
            with (tmp / "out.pdf").open("wb") as out:
                async for chunk in answer.aiter_raw():
                    out.write(chunk)
        down.append(actual / (time.perf_counter() - started))
        down_peak.append(peak_mb(pid))

        target = tmp / "copy.pdf"
        started = time.perf_counter()
        _copy(source, target)
        copy.append(actual / (time.perf_counter() - started))
        for leftover in (target, tmp / "out.pdf", source):
            leftover.unlink(missing_ok=True)
    return {
        "size": size // MB,
        "up": statistics.median(up),
        "down": statistics.median(down),
        "copy": statistics.median(copy),
        "up_peak": max(up_peak),
        "down_peak": max(down_peak),
    }


def _copy(source: Path, target: Path) -> None:
    """What the API's write amounts to at least: the bytes read, written and fsynced."""
    shutil.copyfile(source, target)
    with target.open("rb") as written:
        os.fsync(written.fileno())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    publish("documents", asyncio.run(main(args.sizes, args.runs)))
