"""store.py: history survives a restart, reopens whole, deletes cleanly, and never takes a path from outside."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image

from assistant.contracts import Brief, Copy
from assistant.errors import UserError
from assistant.store import Store

from conftest import photo


def _copy(title="杏子熟了"):
    copy = Copy(title, "又大又甜", ["树上熟", "包邮", "现摘"], {"moments": "今年的杏子熟了。"}, ["杏子"])
    copy.facts = {"product": "杏子"}
    return copy


def test_an_entry_survives_a_restart_with_everything_in_place(tmp_path):
    store = Store(tmp_path)
    brief = Brief(
        "我家的杏子又大又甜，一斤十五块，包邮。",
        product="杏子",
        price="15元/斤",
        contact="xingzi_88",
        photo=str(photo("grapes_01.jpg")),
        style="热情",
    )
    entry_id = store.save_brief(brief)
    store.save_copy(entry_id, _copy())
    store.save_poster_files(entry_id, [("poster-fruit-harvest-moments.png", b"png bytes")])

    reopened = Store(tmp_path).load(entry_id)  # a new Store: as after a server restart
    assert reopened.brief.transcript == brief.transcript and reopened.brief.price == "15元/斤"
    assert reopened.brief.contact == "xingzi_88" and reopened.brief.style == "热情"
    assert reopened.brief.photo and reopened.brief.photo.startswith(str(tmp_path))  # a copy, not the upload
    assert Path(reopened.brief.photo).read_bytes() == photo("grapes_01.jpg").read_bytes()
    assert reopened.copy.title == "杏子熟了" and reopened.copy.posts["moments"] == "今年的杏子熟了。"
    assert [p.name for p in reopened.posters] == ["poster-fruit-harvest-moments.png"]
    assert "杏子" in reopened.label


def test_entries_are_listed_newest_first_and_deleted_with_their_files(tmp_path):
    store = Store(tmp_path)
    first = store.save_brief(Brief("土鸡蛋", product="土鸡蛋"))
    second = store.save_brief(Brief("蜂蜜", product="土蜂蜜"))
    store.save_copy(first, _copy("散养土鸡蛋"))  # updating an entry brings it to the top
    assert [e.id for e in store.entries()] == [first, second]
    store.delete(first)
    assert [e.id for e in store.entries()] == [second]
    assert not (tmp_path / "history" / first).exists()
    with pytest.raises(UserError):
        store.load(first)


@pytest.mark.parametrize("bad", ["../../etc", "/etc/passwd", "20261129-120000-zzzzzzzz", "", None])
def test_ids_from_the_browser_are_never_paths(tmp_path, bad):
    store = Store(tmp_path)
    with pytest.raises(UserError):
        store.load(bad)
    with pytest.raises(UserError):
        store.delete(bad)


def test_poster_file_names_are_checked(tmp_path):
    store = Store(tmp_path)
    entry_id = store.save_brief(Brief("杏子"))
    with pytest.raises(ValueError):
        store.save_poster_files(entry_id, [("../escape.png", b"x")])


def test_five_sessions_save_at_once_without_losing_any(tmp_path):
    store = Store(tmp_path)
    ids, errors = [], []

    def session(n):
        try:
            entry_id = store.save_brief(Brief(f"第{n}家的杏子", product=f"杏子{n}"))
            store.save_copy(entry_id, _copy(f"杏子{n}"))
            ids.append((n, entry_id))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for n, entry_id in ids:
        entry = store.load(entry_id)
        assert entry.brief.product == f"杏子{n}" and entry.copy.title == f"杏子{n}"  # no cross-talk
    assert len(store.entries()) == 5


def test_on_a_shared_server_each_browser_sees_and_touches_only_its_own_shelf(tmp_path):
    store = Store(tmp_path)
    hers, his = store.view("a" * 32), store.view("b" * 32)
    mine = hers.save_brief(Brief("杏子", product="杏子", contact="13800000001"))
    theirs = his.save_brief(Brief("蜂蜜", product="土蜂蜜"))
    assert [e.id for e in hers.entries()] == [mine] and [e.id for e in his.entries()] == [theirs]
    assert {e.id for e in store.entries()} == {mine, theirs}  # the whole history, e.g. for the trainer's CLI
    for touch in (
        lambda: his.load(mine),
        lambda: his.delete(mine),
        lambda: his.save_copy(mine, _copy()),
        lambda: his.save_brief(Brief("改掉", product="改掉"), mine),
        lambda: his.save_poster_files(mine, [("poster-x-moments.png", b"x")]),
    ):
        with pytest.raises(UserError, match="找不到"):
            touch()
    assert hers.load(mine).brief.product == "杏子" and (tmp_path / "history" / mine).is_dir()


def test_a_history_from_before_shelves_is_upgraded_in_place(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / "history.sqlite3")
    db.executescript(
        "CREATE TABLE entries (id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, "
        "product TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', brief TEXT NOT NULL, "
        "photo TEXT, copy TEXT, posters TEXT NOT NULL DEFAULT '[]');"
        "INSERT INTO entries (id, created, updated, brief) VALUES "
        '(\'20261128-101010-0123abcd\', 1, 1, \'{"transcript": "旧的", "product": "旧的"}\');'
    )
    db.commit()
    db.close()
    store = Store(tmp_path)
    assert [e.brief.product for e in store.entries()] == ["旧的"]
    assert store.view("c" * 32).entries() == []


def test_her_shop_profile_is_kept_per_shelf_with_its_own_logo_copy(tmp_path):
    from assistant.contracts import Profile

    logo = tmp_path / "upload" / "标志.PNG"
    logo.parent.mkdir()
    Image.new("RGB", (64, 64), "green").save(logo, format="PNG")
    store = Store(tmp_path / "data")
    hers, other = store.view("a" * 32), store.view("b" * 32)
    kept = hers.save_profile(Profile(shop="张家果园", contact="xingzi_88", colour="#2E7D32", logo=str(logo)))
    assert kept.shop == "张家果园" and Path(kept.logo).name == "logo.png" and Path(kept.logo).is_file()
    logo.unlink()  # the upload is temporary; her profile keeps its copy
    assert Path(hers.load_profile().logo).is_file()
    assert other.load_profile() == Profile() and other.load_profile().empty  # another phone sees none of it
    with pytest.raises(UserError):
        hers.save_profile(Profile(colour="red"))
    with pytest.raises(UserError):
        hers.load_profile("x" * 40)

    # A new entry starts from it; what she types for the entry wins, and the entry keeps its own logo.
    brief = hers.load_profile().brief("我家的杏子", contact="138 0013 8000")
    assert (brief.shop, brief.contact, brief.colour) == ("张家果园", "138 0013 8000", "#2E7D32")
    entry_id = hers.save_brief(brief)
    hers.save_profile(Profile(shop="新名字"))
    reopened = hers.load(entry_id).brief
    assert reopened.shop == "张家果园" and Path(reopened.logo).parent.name == entry_id


def test_a_new_photo_for_an_entry_replaces_the_old_one(tmp_path):
    store = Store(tmp_path / "data")
    first, second = tmp_path / "first.jpg", tmp_path / "second.png"
    Image.new("RGB", (40, 30), "red").save(first)
    Image.new("RGB", (40, 30), "blue").save(second)
    entry_id = store.save_brief(Brief("杏子", product="杏子", photo=str(first)))
    store.save_brief(Brief("杏子", product="杏子", photo=str(second)), entry_id)
    entry = store.load(entry_id)
    folder = Path(entry.brief.photo).parent
    assert sorted(p.name for p in folder.glob("photo.*")) == ["photo.png"], "one photo per entry"
    with Image.open(entry.brief.photo) as shown:
        assert shown.getpixel((0, 0)) == (0, 0, 255)
    store.save_brief(Brief("杏子", product="杏子", photo=entry.brief.photo), entry_id)  # reopened: kept as it is
    assert sorted(p.name for p in folder.glob("photo.*")) == ["photo.png"]
