"""Benchmark: prompt (prefill) and generation speed of the embedded copy models on llama.cpp.

    .venv/bin/python bench/llm_speed.py [--threads 2]

Prints tokens per second for a 400-token prompt and a 64-token greedy answer, and the
load time, for each embedded GGUF. Assembles the models first if needed.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import models
from assistant.config import Settings


def measure(path: Path, threads: int) -> tuple[float, float, float]:
    from llama_cpp import Llama

    started = time.perf_counter()
    llm = Llama(
        model_path=str(path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, n_batch=512, verbose=False
    )
    load = time.perf_counter() - started
    prompt = llm.tokenize(("我家的杏子又大又甜，一斤十五块，包邮。" * 40).encode())[:400]
    started = time.perf_counter()
    llm.eval(prompt)
    prefill = len(prompt) / (time.perf_counter() - started)
    llm.reset()
    started = time.perf_counter()
    out = llm.create_completion(llm.tokenize("用三句话介绍杏子。".encode()), max_tokens=64, temperature=0)
    generate = out["usage"]["completion_tokens"] / (time.perf_counter() - started)
    return load, prefill, generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    settings = Settings.from_env()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {args.threads} threads; "
        f"date: {time.strftime('%Y-%m-%d')}"
    )
    print(f"{'model':40s} {'load s':>7s} {'prefill tok/s':>14s} {'generate tok/s':>15s}")
    for model in (models.QWEN_1_5B, models.QWEN_0_5B):
        folder = models.assemble(model, settings)
        load, prefill, generate = measure(folder / model.filename, args.threads)
        print(f"{model.key:40s} {load:7.1f} {prefill:14.1f} {generate:15.1f}")


if __name__ == "__main__":
    main()
