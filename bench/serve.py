"""Benchmark: a class's sellers at once, in-process llama.cpp against a local llama-server.

    .venv/bin/python bench/serve.py [--setups inproc,server1,server4,server8] [--sellers 1,5,20]
                                    [--small] [--json out.json]

Each simulated seller is a thread that writes one brief from bench/data/copy_dev_set.jsonl
the way the page does (``Copywriter.stream``: the poster text first, then every other text
the brief needs). All sellers of a round start together.

- ``inproc``: llama-cpp-python in this process, one seller at a time behind a lock, as the
  page's single model queue served them before.
- ``inproc-turns``: the same model, the sellers taking turns text by text (the back-end's
  own queue, poster texts first), as the page serves them now.
- ``inproc-turns-fa``: the same with llama.cpp's flash attention, which llama-server turns
  on by default on a CPU and llama-cpp-python leaves off.
- ``serverN``: llama.cpp's own llama-server started here as the app starts its own: N slots
  for Mulan's requests and a spare (``--parallel N+1``); every seller sends at once, each asks
  for up to N of her texts together (``llm_parallel``), and no more than N are in flight.

The ``model`` column is the share of texts where the model's own text was used (the rest
fell back to the rule-based text), to show that a faster setup did not write worse copy.

Printed per setup and round: briefs per minute, p50/p95 seconds to the poster text and to
all the copy, and the peak memory (this process plus the server, RSS). Every setup is
primed and warmed with one unmeasured brief first, so the figures are those of a warm app.
This measures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psutil
from copy_eval import load_briefs

from assistant.config import Settings
from assistant.contracts import Brief, Copy
from assistant.copywriting import CopyOptions, Copywriter
from assistant.llm import load_generator
from assistant.llm.llama_cpp import LlamaCppGenerator
from assistant.llm.openai_http import OpenAIHTTPGenerator
from assistant.llm.server import SPARE_SLOTS, find_llama_server, start_llama_server
from assistant.models import resolve_copy_model


def briefs() -> list[Brief]:
    return [brief for _, brief in load_briefs(None)]


@dataclass
class Seller:
    poster_s: float = 0.0  # until the poster text is finished: her posters can be made
    all_s: float = 0.0  # until every text is finished
    model_texts: float = 0.0  # the share of her texts where the model's own text was used


class MemoryPeak:
    """The highest RSS of this process and its children, sampled every 0.2 s."""

    def __init__(self):
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                total = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                total = 0
            self.peak_mb = max(self.peak_mb, total / 2**20)
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def write_one(copywriter: Copywriter, brief: Brief, lock: threading.Lock | None) -> Seller:
    seller = Seller()
    started = time.perf_counter()
    with lock or contextlib.nullcontext():
        final = None
        for item in copywriter.stream(brief, CopyOptions()):
            if isinstance(item, Copy):
                final = item
                if "poster" in item.sources and not seller.poster_s:
                    seller.poster_s = time.perf_counter() - started
    seller.all_s = time.perf_counter() - started
    seller.model_texts = sum(v != "fallback" for v in final.sources.values()) / len(final.sources)
    return seller


def round_of(copywriter: Copywriter, sellers: int, pool: list[Brief], offset: int, serial: bool) -> dict:
    lock = threading.Lock() if serial else None
    results: list[Seller] = [Seller()] * sellers

    def run(i: int) -> None:
        results[i] = write_one(copywriter, pool[(offset + i) % len(pool)], lock)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(sellers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    poster = sorted(s.poster_s for s in results)
    every = sorted(s.all_s for s in results)
    return {
        "sellers": sellers,
        "wall_s": round(wall, 1),
        "briefs_per_min": round(sellers / wall * 60, 2),
        "poster_p50": round(statistics.median(poster), 1),
        "poster_p95": round(percentile(poster, 0.95), 1),
        "all_p50": round(statistics.median(every), 1),
        "all_p95": round(percentile(every, 0.95), 1),
        "model_texts": round(sum(s.model_texts for s in results) / sellers, 2),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(setup: str, settings: Settings, seller_counts: list[int], pool: list[Brief], port: int) -> list[dict]:
    model = resolve_copy_model(settings)
    server = None
    with MemoryPeak() as memory:
        if setup.endswith("-fa"):  # in process with llama.cpp's flash attention (llama-server's default)
            generator = LlamaCppGenerator(model, settings.threads, flash_attn=True)
        elif setup.startswith("inproc"):
            generator = load_generator(model, settings)
        else:
            slots = int(setup.removeprefix("server"))
            server = start_llama_server(  # as the app starts its own: with a spare slot
                model.path,
                port=port,
                parallel=slots + SPARE_SLOTS,
                threads=settings.threads,
                binary=find_llama_server(),
            )
            generator = OpenAIHTTPGenerator(server.url, parallel=slots)
        try:
            copywriter = Copywriter(generator)
            copywriter.prime()
            write_one(copywriter, pool[-1], None)  # warm: the first brief is not measured
            rows = []
            for n, sellers in enumerate(seller_counts):
                row = round_of(copywriter, sellers, pool, offset=n * 7, serial=setup == "inproc")
                row["setup"] = setup
                row["peak_mb"] = round(memory.peak_mb)
                rows.append(row)
                print_row(row)
        finally:
            if server:
                server.stop()
    return rows


HEADER = (
    f"{'setup':9s} {'sellers':>7s} {'wall s':>7s} {'briefs/min':>10s} {'poster p50':>10s} {'poster p95':>10s} "
    f"{'all p50':>8s} {'all p95':>8s} {'model':>6s} {'peak MB':>8s}"
)


def print_row(row: dict) -> None:
    print(
        f"{row['setup']:9s} {row['sellers']:7d} {row['wall_s']:7.1f} {row['briefs_per_min']:10.2f} "
        f"{row['poster_p50']:10.1f} {row['poster_p95']:10.1f} {row['all_p50']:8.1f} {row['all_p95']:8.1f} "
        f"{row['model_texts']:6.2f} {row['peak_mb']:8d}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--setups", default="inproc,server1,server4,server8")
    parser.add_argument("--sellers", default="1,5,20")
    parser.add_argument("--small", action="store_true", help="the embedded 0.5B model instead of the 1.5B")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings.from_env(copy_model_size="small" if args.small else None, llm_backend="llama.cpp")
    seller_counts = [int(n) for n in args.sellers.split(",")]
    pool = briefs()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {settings.threads} threads, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB; date: {time.strftime('%Y-%m-%d')}; "
        f"model: {resolve_copy_model(settings).key}",
        flush=True,
    )
    print(HEADER, flush=True)
    rows = []
    for setup in args.setups.split(","):
        rows += measure(setup, settings, seller_counts, pool, args.port)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
