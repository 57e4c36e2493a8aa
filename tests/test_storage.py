"""The history on a full disk and through kill -9: what she made before is never lost.

The disk tests mount a small tmpfs as the data folder (root only; CI runs as root), fill it
to 0 B free and check every step: a plain 存储空间满了, earlier entries whole, no half file,
a restart that still starts, a delete that works (and frees space), and saving again once
there is room.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from assistant.contracts import Brief, Copy
from assistant.errors import StorageFullError
from assistant.files import TMP_SUFFIX, remove_leftovers
from assistant.store import Store

from conftest import REPO

POSTER = b"\x89PNG\r\n\x1a\n" + os.urandom(200_000) + b"IEND\xaeB`\x82"  # random: tmpfs does not compress


def _copy() -> Copy:
    return Copy("杏子熟了", "又大又甜", ["树上熟", "包邮"], {"moments": "今年的杏子熟了。"}, ["杏子"])


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "data"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the disk to 0 B free with one file, and return it."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for chunk in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\xff" * chunk)
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(folder).f_bavail == 0
    return filler


def _whole(store: Store) -> list[str]:
    """Problems in the history: a broken database, an entry pointing at a missing file, a half file."""
    problems = []
    with closing(sqlite3.connect(store.db)) as db:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            problems.append("integrity_check failed")
    for entry in store.entries():
        for path in entry.posters:
            if not path.is_file() or not path.read_bytes().endswith(b"IEND\xaeB`\x82"):
                problems.append(f"{entry.id}: {path.name} missing or cut")
    return problems


def test_a_full_disk_says_so_keeps_her_history_and_recovers(small_disk):
    store = Store(small_disk)
    kept = []
    for n in range(3):
        entry_id, _ = store.save(None, Brief(f"第{n}批杏子，一斤十五块"), _copy(), [(f"杏子-{n}.png", POSTER)])
        kept.append(entry_id)
    first_posters = {p: p.read_bytes() for p in store.load(kept[0]).posters}
    filler = _fill(small_disk)

    # A new entry, and new posters for an old one: 存储空间满了, and nothing earlier changes.
    with pytest.raises(StorageFullError) as info:
        store.save(None, Brief("新的杏子，一斤十六块"), _copy(), [("新的.png", POSTER)])
    assert "存储空间满了" in info.value.zh
    with pytest.raises(StorageFullError):
        store.save_poster_files(kept[0], [("杏子-0.png", POSTER[::-1]), ("杏子-0-a4.png", POSTER)])
    assert {p: p.read_bytes() for p in store.load(kept[0]).posters} == first_posters
    assert not list(small_disk.rglob("*" + TMP_SUFFIX)), "a half-written file was left"
    assert set(kept) <= {e.id for e in store.entries()} and _whole(store) == []

    # A restart on the full disk still starts, and lists and opens her history.
    restarted = Store(small_disk)
    assert set(kept) <= {e.id for e in restarted.entries()}
    assert restarted.load(kept[1]).copy.title == "杏子熟了"

    # Deleting works at 0 B free (its files make SQLite's room), and frees space.
    restarted.delete(kept[2])
    assert kept[2] not in {e.id for e in restarted.entries()}
    assert not (restarted.folder / kept[2]).exists()

    # Room again: saving works, and everything is whole.
    filler.unlink()
    entry_id, paths = restarted.save(None, Brief("新的杏子，一斤十六块"), _copy(), [("新的.png", POSTER)])
    assert paths[0].read_bytes() == POSTER and _whole(restarted) == []


def test_the_page_says_storage_is_full_in_chinese(small_disk):
    from assistant.ui import handlers

    store = Store(small_disk)
    _fill(small_disk)
    said = handlers.save_shop(store, handlers.ShopForm("张家果园"), "", None, handlers.Form())
    assert "存储空间满了" in said["shop_msg"]


WRITER = """
import sys, time
from assistant.contracts import Brief, Copy
from assistant.store import Store
store = Store(sys.argv[1])
poster = open(sys.argv[2], "rb").read()
n = 0
while True:
    copy = Copy("杏子熟了", "又大又甜", ["树上熟"], {}, [])
    entry_id, _ = store.save(None, Brief(f"第{n}批杏子"), copy, [(f"a{n}.png", poster), (f"b{n}.png", poster)])
    store.save_poster_files(entry_id, [(f"a{n}.png", poster[::-1][:-12] + poster[-12:]), (f"c{n}.png", poster)])
    print("saved", n, flush=True)
    n += 1
"""


def test_kill_9_during_saves_leaves_a_whole_history(tmp_path):
    """Ten kill -9s, each timed inside a write (the child prints after each save; the kill
    lands a varying fraction of a save later), then: integrity_check, every entry's files
    whole, and no half file once the leftovers are cleaned."""
    data, poster = tmp_path / "data", tmp_path / "poster.png"
    poster.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(3_000_000) + b"IEND\xaeB`\x82")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_ in range(10):
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data), str(poster)], stdout=subprocess.PIPE, text=True, env=env
        )
        start = time.monotonic()
        assert child.stdout.readline().startswith("saved")
        save_s = time.monotonic() - start  # one save, with the start-up: an upper bound
        time.sleep(save_s * (round_ % 5) / 10)  # 0 to 40% into the next save
        child.kill()
        child.wait()
    store = Store(data)
    assert _whole(store) == [], _whole(store)
    remove_leftovers(data, older_than_s=0)
    assert not list(data.rglob("*" + TMP_SUFFIX))
    assert len(store.entries()) >= 10


def test_deleting_an_entry_removes_the_copies_gradio_served(tmp_path):
    """The page shows her posters through Gradio's cache; after 删除 no copy may be served."""
    from gradio.processing_utils import save_file_to_cache

    from assistant.ui import handlers

    store, cache = Store(tmp_path / "data"), tmp_path / "gradio"
    cache.mkdir()
    entry_id, posters = store.save(None, Brief("我家的杏子，电话13912345678"), _copy(), [("杏子.png", POSTER)])
    other_id, others = store.save(None, Brief("我家的桃子"), _copy(), [("桃子.png", POSTER[::-1])])
    served = Path(save_file_to_cache(posters[0], str(cache)))
    kept = Path(save_file_to_cache(others[0], str(cache)))
    assert served.read_bytes() == POSTER

    said = handlers.delete_entry(store, handlers.Work(entry_id=entry_id), entry_id, cache)
    assert "已删除" in said["history_msg"] and said["work"].entry_id is None
    assert not served.exists() and not served.parent.exists()
    assert kept.is_file() and store.load(other_id).posters == others
