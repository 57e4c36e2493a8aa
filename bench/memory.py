"""Benchmark: how much memory Mulan takes, for a 4 GB laptop (issue 18: within 3 GB RSS).

    .venv/bin/python bench/memory.py [--skip-app]

1. The real app (``app.py``, default models, preloaded as at start-up), idle: its RSS once
   the models are loaded and primed (sampled until it is steady for 30 s).
2. One seller's whole run in this process, with the same default models: 15 s of voice →
   transcript, every text, posters at three sizes, the twelve ④ previews, the copy read
   aloud, a short video; then the 13000² PNG and a 50 MP JPEG as her photo. The peak RSS
   (sampled every 0.1 s) is printed per step, with what each step added.

It measures; it is not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform as machine
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e import PHOTO, fifteen_seconds_of_voice

from assistant.pipeline import Pipeline
from assistant.store import Store
from assistant.ui import handlers

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
TRIM = False  # --trim: hand freed memory back to the system after each step (glibc malloc_trim)


def release_freed() -> int:
    import ctypes

    ctypes.CDLL("libc.so.6").malloc_trim(0)
    return tree_rss(psutil.Process())


def tree_rss(process: psutil.Process) -> int:
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return total


class Peak:
    """The highest RSS of this process (and its children) while a step runs."""

    def __init__(self):
        self.me, self.high, self.stop = psutil.Process(), 0, threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        while not self.stop.is_set():
            self.high = max(self.high, tree_rss(self.me))
            time.sleep(0.1)

    def step(self, name: str, run) -> None:
        before = tree_rss(self.me)
        self.high = before
        started = time.perf_counter()
        outcome = run()
        seconds = time.perf_counter() - started
        time.sleep(0.2)
        after = tree_rss(self.me)
        trimmed = f", {release_freed() / MB:5.0f} trimmed" if TRIM else ""
        print(
            f"{name:34s} peak {self.high / MB:6.0f} MB  (+{(self.high - before) / MB:5.0f} MB over "
            f"{before / MB:5.0f}; after {after / MB:5.0f}{trimmed})  {seconds:5.1f} s  {outcome or ''}",
            flush=True,
        )


def idle_app(folder: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "MULAN_DATA_DIR": str(folder / "app-data")}
    with open(folder / "app.log", "w") as log:
        app = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)], cwd=REPO, env=env, stdout=log, stderr=log
        )
    try:
        process, samples, steady_since, started = psutil.Process(app.pid), [], None, time.time()
        while time.time() - started < 600:
            time.sleep(1)
            samples.append(tree_rss(process))
            if len(samples) > 10 and max(samples[-10:]) - min(samples[-10:]) < 5 * MB:
                steady_since = steady_since or time.time()
                if time.time() - steady_since > 20:
                    break
            else:
                steady_since = None
        print(
            f"the app, idle after loading and priming the default models: {samples[-1] / MB:.0f} MB RSS "
            f"(peak while loading {max(samples) / MB:.0f} MB; {time.time() - started:.0f} s)\n",
            flush=True,
        )
    finally:
        app.terminate()
        app.wait(timeout=30)


def seller_run(folder: Path) -> None:
    from PIL import Image

    peak = Peak()
    pipeline = Pipeline()
    peak.step("load and prime the default models", pipeline.warm_up)
    store, voice = Store(folder / "data"), fifteen_seconds_of_voice(folder)
    state = {}

    def listen():
        state["form"] = handlers.Form(handlers.listen(pipeline, str(voice), "普通话")["transcript"], photo=str(PHOTO))
        return state["form"].transcript[:20]

    def write():
        work = handlers.Work()
        for updates in handlers.write_copy(pipeline, handlers.Work(), state["form"]):
            work = updates.get("work", work)
        state["work"] = work
        return f"{len(work.copy.posts)} texts"

    def posters():
        made = handlers.render_posters(
            pipeline, store, state["work"], state["form"], size_ids=["moments", "douyin", "a4"]
        )
        state["work"] = made.get("work", state["work"])
        return f"{len(made.get('downloads') or [])} files"

    def previews():
        return f"{len(handlers.template_previews(pipeline, state['work'], state['form'], handlers.Edits()))} previews"

    def read_aloud():
        text = state["work"].copy.posts.get("video", "")
        return f"{sum(1 for _ in handlers.read_aloud(pipeline, text, '正常', 'bench'))} sentences"

    def video():
        made = handlers.make_video(
            pipeline, store, state["work"], state["form"], handlers.Edits(), "木兰读口播稿", None, None
        )
        return (made.get("video_msg") or "")[:30]

    def bad_photos():
        bomb = folder / "grey.png"
        Image.new("L", (13000, 13000)).save(bomb)  # 169 MP, 164 KB
        big = folder / "big.jpg"
        Image.new("RGB", (8660, 5773), "orange").save(big, quality=90)  # 50 MP
        said = [handlers.take_photo(str(p), state["form"]).get("photo_msg") or "taken" for p in (bomb, big)]
        return " / ".join(m[:16] for m in said)

    for name, run in (
        ("listen (15 s of voice)", listen),
        ("写文案 (every text)", write),
        ("posters at 3 sizes", posters),
        ("④ previews (12 templates)", previews),
        ("read the script aloud", read_aloud),
        ("short video", video),
        ("a 13000² PNG and a 50 MP photo", bad_photos),
    ):
        peak.step(name, run)
    peak.stop.set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-app", action="store_true", help="only the in-process seller run")
    parser.add_argument("--trim", action="store_true", help="malloc_trim after each step, and print the RSS then")
    args = parser.parse_args()
    global TRIM
    TRIM = args.trim
    print(f"machine: {machine.machine()}, {os.cpu_count()} cores; date: {time.strftime('%Y-%m-%d')}\n")
    with tempfile.TemporaryDirectory() as folder:
        if not args.skip_app:
            idle_app(Path(folder))
        seller_run(Path(folder))


if __name__ == "__main__":
    main()
