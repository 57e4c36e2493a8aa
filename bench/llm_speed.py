"""Benchmark: prompt (prefill) and generation speed of the copy models.

    .venv/bin/python bench/llm_speed.py [--threads 2]
    .venv/bin/python bench/llm_speed.py --backend both [--small] [--variants default,bfloat16,float32,int8,int8+compile]

The first form prints tokens per second for a 400-token prompt and a 64-token greedy
answer, and the load time, for each embedded GGUF on llama.cpp.

``--backend both`` compares, in one run and on the same model, llama.cpp against the
transformers back-end in each torch variant (dtype, int8 weights, torch.compile), through
the back-ends themselves: real copy prompts (poster, 朋友圈, 淘宝标题 for two briefs), each
prompt primed once first as the app does, so the shared prefix comes from each back-end's
KV cache. Printed per back-end: load s, seconds to the first token (the brief's prefill),
decode tok/s after it, generated tokens per second over the whole request, and that last
figure as a ratio of llama.cpp's. Assembles the models first if needed.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import models
from assistant.config import Settings
from assistant.contracts import Brief
from assistant.copywriting import CopyOptions
from assistant.copywriting.prompts import Prompt
from assistant.llm import GenerationOptions


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


BRIEFS = (
    Brief("我家的杏子又大又甜，一斤十五块，包邮。", product="杏子", contact="xingzi_88"),
    Brief("土鸡蛋，散养的，吃玉米青菜长大，一块五一个，三十个起发。", product="土鸡蛋", contact="13800000002"),
)
PLATFORMS = ("poster", "moments", "shop_title")


def request_speeds(generator, prompts: dict) -> dict:
    """Seconds to the first piece, decode tok/s after it, and tok/s over the whole request,
    over every brief × platform (each prompt primed once first)."""
    for name in PLATFORMS:  # the prefix of each prompt evaluated and kept, as at start-up
        generator.generate(prompts[name].messages(BRIEFS[0]), GenerationOptions(max_tokens=1))
    first, decode_tokens, decode_s, tokens, total = [], 0, 0.0, 0, 0.0
    for brief in BRIEFS:
        for name in PLATFORMS:
            options = CopyOptions().generation(name)
            started = time.perf_counter()
            text, first_at = "", None
            for piece in generator.stream(prompts[name].messages(brief), options):
                if first_at is None:
                    first_at = time.perf_counter()
                text += piece
            ended = time.perf_counter()
            n = generator.count_tokens(text)
            first.append(first_at - started)
            decode_tokens, decode_s = decode_tokens + max(n - 1, 0), decode_s + (ended - first_at)
            tokens, total = tokens + n, total + (ended - started)
    return {
        "first_s": sum(first) / len(first),
        "decode": decode_tokens / decode_s,
        "request": tokens / total,
        "tokens": tokens,
    }


def compare(args, settings: Settings) -> None:
    from assistant.llm.llama_cpp import LlamaCppGenerator
    from assistant.llm.transformers import TorchOptions, TransformersGenerator

    model = models.resolve_copy_model(settings)
    prompts = {name: Prompt.load(name) for name in PLATFORMS}
    print(f"model: {model.key}; {len(BRIEFS)} briefs × {', '.join(PLATFORMS)}", flush=True)
    print(f"{'back-end':28s} {'load s':>7s} {'first s':>8s} {'decode tok/s':>13s} {'request tok/s':>14s} {'ratio':>6s}")
    started = time.perf_counter()
    llama = LlamaCppGenerator(model, args.threads)
    base = request_speeds(llama, prompts)
    row("llama.cpp", time.perf_counter() - started, base, base)
    del llama
    for variant in args.variants.split(","):
        parts = variant.split("+")
        options = TorchOptions(
            dtype=parts[0] if parts[0] in ("auto", "float32", "bfloat16") else "auto",
            int8=None if "default" in parts else "int8" in parts,
            compile="compile" in parts,
        )
        started = time.perf_counter()
        generator = TransformersGenerator(model, settings, options)
        load = time.perf_counter() - started
        row(f"transformers {options.label}", load, request_speeds(generator, prompts), base)
        del generator
        gc.collect()


def row(name: str, load: float, speeds: dict, base: dict) -> None:
    print(
        f"{name:28s} {load:7.1f} {speeds['first_s']:8.2f} {speeds['decode']:13.2f} {speeds['request']:14.2f} "
        f"{speeds['request'] / base['request']:6.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--backend", choices=["llama.cpp", "both"], default="llama.cpp")
    parser.add_argument("--small", action="store_true", help="with --backend both: the 0.5B model")
    parser.add_argument("--variants", default="default,bfloat16,float32,int8+compile", help="torch variants to measure")
    args = parser.parse_args()
    settings = Settings.from_env(threads=args.threads, copy_model_size="small" if args.small else None)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {args.threads} threads; "
        f"date: {time.strftime('%Y-%m-%d')}"
    )
    if args.backend == "both":
        compare(args, settings)
        return
    print(f"{'model':40s} {'load s':>7s} {'prefill tok/s':>14s} {'generate tok/s':>15s}")
    for model in (models.QWEN_1_5B, models.QWEN_0_5B):
        folder = models.assemble(model, settings)
        load, prefill, generate = measure(folder / model.filename, args.threads)
        print(f"{model.key:40s} {load:7.1f} {prefill:14.1f} {generate:15.1f}")


if __name__ == "__main__":
    main()
