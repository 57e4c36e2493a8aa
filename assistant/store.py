"""History: every brief, its copy and its posters, kept in SQLite plus files in the data folder.

A seller who closes the browser, or a server that restarts, loses nothing: the page
saves as it goes, and the 历史 tab reopens any entry with everything in place.

    <data_dir>/history.sqlite3            one row per entry: brief, copy, file names
    <data_dir>/history/<entry id>/        the photo (copied: the browser's upload is temporary)
                                          and the posters

Entry ids are made here (time + random) and checked on the way back in, so no path is
ever built from what a browser sends. On a classroom server each browser sees only its
own shelf (:meth:`Store.view`): thirty phones do not see each other's phone numbers.
Files are written to a temporary name and renamed; rows change inside transactions; a full
disk is a plain 存储空间满了 and leaves the history readable (see tests/test_storage.py).
One connection per call, so Gradio's worker threads never share one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
import shutil
import sqlite3
import sys
import time
from contextlib import closing
from copy import copy as shallow_copy
from dataclasses import dataclass, field
from pathlib import Path

from assistant.contracts import Brief, Copy, Profile, Transcript
from assistant.errors import StorageFullError, UserError, is_storage_full
from assistant.files import READABLE_NAME, copy_atomically, remove_leftovers, write_all_atomically, write_atomically

_ENTRY_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$")
_SHELF_ID = re.compile(r"^[0-9a-f]{32}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    product TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    brief TEXT NOT NULL,           -- JSON: transcript, product, price, contact, style
    photo TEXT,                    -- file name in the entry folder
    copy TEXT,                     -- JSON of Copy.to_dict()
    posters TEXT NOT NULL DEFAULT '[]',  -- JSON list of file names in the entry folder
    owner TEXT NOT NULL DEFAULT '',     -- the browser's shelf on a shared server; '' on one computer
    videos TEXT NOT NULL DEFAULT '[]'   -- JSON list of video file names in the entry folder
);
CREATE INDEX IF NOT EXISTS entries_updated ON entries(updated);
CREATE TABLE IF NOT EXISTS profiles (
    owner TEXT NOT NULL,           -- the shelf, as for entries
    name TEXT NOT NULL,            -- 我的店 on the page; any name in the CLI
    updated REAL NOT NULL,
    data TEXT NOT NULL,            -- JSON of Profile.to_dict(), the logo as a file name in its folder
    PRIMARY KEY (owner, name)
);
"""
PROFILE = "我的店"  # the page's one profile per shelf
# One phone's shelf on a classroom server: far above a seller's year, far below a full disk.
MAX_SHELF_ENTRIES = 300
MAX_SHELF_BYTES = 1500 * 1024 * 1024


def _when_full_says_so(method):
    """A full disk is her problem to solve, not a crash: say so in Chinese. Nothing earlier
    is touched (files are written aside and renamed, rows change in transactions)."""

    @functools.wraps(method)
    def guarded(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (OSError, sqlite3.Error) as exc:
            if is_storage_full(exc):
                raise StorageFullError(str(exc)) from None
            raise

    return guarded


MAX_PROFILE_NAME = 20


@dataclass
class Entry:
    id: str
    created: float
    updated: float
    brief: Brief
    copy: Copy | None = None
    posters: list[Path] = field(default_factory=list)
    videos: list[Path] = field(default_factory=list)
    recording: Path | None = None  # her recording, for a video in her own voice
    heard: Transcript | None = None  # what the recogniser heard in it, with its times

    @property
    def label(self) -> str:
        """What the 历史 list shows: when, and what."""
        when = time.strftime("%m-%d %H:%M", time.localtime(self.updated))
        what = self.brief.product or (self.copy.title if self.copy else "") or self.brief.transcript[:12]
        return f"{when}  {what or '（没有名字）'}"


class Store:
    """The whole history (``owner`` None), or one browser's shelf of it (see :meth:`view`)."""

    def __init__(self, data_dir: Path, owner: str | None = None):
        self.root = Path(data_dir)
        self.folder = self.root / "history"
        self.owner = owner
        self.folder.mkdir(parents=True, exist_ok=True)
        self.db = self.root / "history.sqlite3"
        remove_leftovers(self.root)
        try:
            self._set_up()
        except (OSError, sqlite3.Error) as exc:
            if not (is_storage_full(exc) and self.db.is_file()):
                raise
            # Started on a full disk: the history can still be read and deleted from (which
            # frees space); saving says 存储空间满了 until there is room again.
            print(f"木兰：存储空间满了，历史只能看、不能存（{exc}）/ Mulan: the disk is full", file=sys.stderr)

    def _set_up(self) -> None:
        with closing(self._connect()) as db:
            # A rollback journal, not WAL: on a full disk WAL failed even reads ("disk I/O
            # error": its index and log need room), so she could not open or delete anything.
            # Writes here are a few KB, so readers wait milliseconds at most (timeout=10 s).
            # Kept in the file, so an old WAL history is converted once (when there is room).
            db.execute("PRAGMA journal_mode=DELETE")
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(entries)")}
            if "owner" not in columns:  # a history made before shelves existed
                db.execute("ALTER TABLE entries ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
            if "videos" not in columns:  # a history made before videos existed
                db.execute("ALTER TABLE entries ADD COLUMN videos TEXT NOT NULL DEFAULT '[]'")

    def view(self, owner: str) -> "Store":
        """The same history as one browser sees it: only entries it made, and no other can
        be opened, changed or deleted through it."""
        shelf = shallow_copy(self)  # the same files and database, already set up
        shelf.owner = owner
        return shelf

    def _check_owner(self, db: sqlite3.Connection, entry_id: str) -> bool:
        """Whether the entry exists and belongs to this view (a foreign one is reported as missing)."""
        row = db.execute("SELECT owner FROM entries WHERE id=?", (entry_id,)).fetchone()
        if row is not None and self.owner is not None and row[0] != self.owner:
            raise UserError("找不到这条记录。", f"History entry {entry_id} is on another browser's shelf.")
        return row is not None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db, timeout=10)

    def _dir(self, entry_id: str) -> Path:
        if not isinstance(entry_id, str) or not _ENTRY_ID.match(entry_id):
            raise UserError("找不到这条记录。", f"Not a history entry id: {entry_id!r}.")
        return self.folder / entry_id

    # ------------------------------------------------------------------ writing

    def save(
        self,
        entry_id: str | None,
        brief: Brief,
        copy: Copy | None = None,
        poster_files: list[tuple[str, bytes]] | None = None,
    ) -> tuple[str, list[Path]]:
        """File what she made in one call: the brief, then its copy and posters if given.
        Returns the entry id (a new entry when ``entry_id`` is None) and the poster paths."""
        entry_id = self.save_brief(brief, entry_id)
        if copy is not None:
            self.save_copy(entry_id, copy)
        paths = self.save_poster_files(entry_id, poster_files) if poster_files is not None else []
        return entry_id, paths

    @_when_full_says_so
    def save_brief(self, brief: Brief, entry_id: str | None = None) -> str:
        """Create an entry (or update its brief) and return its id. The photo is copied in."""
        now = time.time()
        if entry_id is None:
            entry_id = f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}-{secrets.token_hex(4)}"
        folder = self._dir(entry_id)
        with closing(self._connect()) as db:
            if not self._check_owner(db, entry_id) and self.owner:
                self._check_room_on_shelf(db)
        folder.mkdir(parents=True, exist_ok=True)
        photo_name = _copy_in(brief.photo, folder, "photo")
        logo_name = _copy_in(brief.logo, folder, "logo")  # the entry keeps its own: 我的店 may change later
        # The photo has its column; the logo is kept as a file name in the entry folder.
        data = json.dumps({**brief.to_dict(), "photo": None, "logo": logo_name}, ensure_ascii=False)
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO entries (id, created, updated, product, brief, photo, owner) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET updated=excluded.updated, product=excluded.product, "
                "brief=excluded.brief, photo=COALESCE(excluded.photo, entries.photo)",
                (entry_id, now, now, brief.product, data, photo_name, self.owner or ""),
            )
        return entry_id

    @_when_full_says_so
    def save_copy(self, entry_id: str, copy: Copy) -> None:
        self._dir(entry_id)
        with closing(self._connect()) as db, db:
            self._check_owner(db, entry_id)
            found = db.execute(
                "UPDATE entries SET copy=?, title=?, updated=? WHERE id=?",
                (json.dumps(copy.to_dict(), ensure_ascii=False), copy.title, time.time(), entry_id),
            )
            if found.rowcount == 0:
                raise UserError("找不到这条记录。", f"No history entry {entry_id}.")

    @_when_full_says_so
    def save_poster_files(self, entry_id: str, files: list[tuple[str, bytes]]) -> list[Path]:
        """Write (file name, bytes) pairs into the entry folder; they replace its earlier posters."""
        folder = self._dir(entry_id)
        with closing(self._connect()) as db:
            if not self._check_owner(db, entry_id):
                raise UserError("找不到这条记录。", f"No history entry {entry_id}.")
        before = self.load(entry_id).posters
        for name, _ in files:
            if not READABLE_NAME.match(name):
                raise ValueError(f"unsafe poster file name {name!r}")  # a bug of ours: names never come from her
        paths = write_all_atomically([(folder / name, data) for name, data in files])
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE entries SET posters=?, updated=? WHERE id=?",
                (json.dumps([p.name for p in paths]), time.time(), entry_id),
            )
        for old in set(before) - set(paths):  # the sizes she did not make again go with the old set
            old.unlink(missing_ok=True)
        return paths

    @_when_full_says_so
    def save_video_files(self, entry_id: str, made: list[tuple[Path, str]]) -> list[Path]:
        """Copy the files of a video made elsewhere (MP4s, .srt, cover) into the entry folder,
        as (source, the name she sees) pairs; they replace its earlier video."""
        folder = self._dir(entry_id)
        with closing(self._connect()) as db:
            if not self._check_owner(db, entry_id):
                raise UserError("找不到这条记录。", f"No history entry {entry_id}.")
        paths = []
        for source, name in made:
            if not READABLE_NAME.match(name):
                raise ValueError(f"unsafe video file name {name!r}")  # a bug of ours: names are made safe first
            paths.append(copy_atomically(source, folder / name))
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE entries SET videos=?, updated=? WHERE id=?",
                (json.dumps([p.name for p in paths]), time.time(), entry_id),
            )
        return paths

    @_when_full_says_so
    def save_recording(self, entry_id: str, recording: Path, heard: Transcript | None) -> Path:
        """Keep her recording (and the recogniser's times) with the entry, so a video in her own
        voice can still be made after the page is closed. The file name is ours, never hers."""
        folder = self._dir(entry_id)
        with closing(self._connect()) as db:
            if not self._check_owner(db, entry_id):
                raise UserError("找不到这条记录。", f"No history entry {entry_id}.")
        suffix = _suffix(recording, ".audio")
        for old in folder.glob("recording.*"):
            if old.name != f"recording{suffix}":
                old.unlink(missing_ok=True)
        target = folder / f"recording{suffix}"
        if recording.resolve() != target.resolve():
            copy_atomically(recording, target)
        if heard is not None:
            write_atomically(folder / "heard.json", json.dumps(heard.to_dict(), ensure_ascii=False))
        return target

    def _check_room_on_shelf(self, db: sqlite3.Connection) -> None:
        """One phone on the classroom Wi-Fi cannot fill the laptop's disk with entries."""
        ids = [row[0] for row in db.execute("SELECT id FROM entries WHERE owner=?", (self.owner,))]
        if len(ids) >= MAX_SHELF_ENTRIES:
            raise UserError(
                f"你的「历史」已经有 {len(ids)} 条了，请先删掉一些旧的，再做新的。",
                f"Shelf {self.owner} holds {len(ids)} entries (limit {MAX_SHELF_ENTRIES}).",
            )
        used = sum(p.stat().st_size for i in ids for p in (self.folder / i).glob("*") if p.is_file())
        if used >= MAX_SHELF_BYTES:
            raise UserError(
                f"你的「历史」已经占了 {used / 1e9:.1f} GB，请先删掉一些旧的（视频最占地方），再做新的。",
                f"Shelf {self.owner} uses {used} bytes (limit {MAX_SHELF_BYTES}).",
            )

    def clear_shelves(self, dry_run: bool = False) -> int:
        """The trainer's end of the day: every phone's entries and 我的店 go; what was made at
        this computer itself (no shelf) stays. Returns how many entries were (or would be) deleted."""
        if dry_run:
            with closing(self._connect()) as db:
                return db.execute("SELECT COUNT(*) FROM entries WHERE owner<>''").fetchone()[0]
        with closing(self._connect()) as db, db:
            ids = [row[0] for row in db.execute("SELECT id FROM entries WHERE owner<>''")]
            db.execute("DELETE FROM entries WHERE owner<>''")
            profiles = db.execute("SELECT owner, name FROM profiles WHERE owner<>''").fetchall()
            db.execute("DELETE FROM profiles WHERE owner<>''")
        for entry_id in ids:
            shutil.rmtree(self._dir(entry_id), ignore_errors=True)
        for owner, name in profiles:
            shutil.rmtree(self.view(owner)._profile_dir(name), ignore_errors=True)
        return len(ids)

    def entry_files(self, entry_id: str) -> list[Path]:
        """Every file the entry holds (posters, photo, logo, recording, video), for this shelf only."""
        folder = self._dir(entry_id)
        with closing(self._connect()) as db:
            if not self._check_owner(db, entry_id):
                raise UserError("这条记录已经删除了。", f"History entry {entry_id} no longer exists.")
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    @_when_full_says_so
    def delete(self, entry_id: str) -> None:
        folder = self._dir(entry_id)
        try:
            self._delete_row(entry_id)
        except (OSError, sqlite3.Error) as exc:
            if not is_storage_full(exc):
                raise
            # SQLite needs a little room to delete: the entry's files make it, and the row
            # goes next (a row whose files are gone reopens as far as it can, never crashes).
            with closing(self._connect()) as db:
                self._check_owner(db, entry_id)
            shutil.rmtree(folder, ignore_errors=True)
            self._delete_row(entry_id)
        shutil.rmtree(folder, ignore_errors=True)

    def _delete_row(self, entry_id: str) -> None:
        with closing(self._connect()) as db, db:
            self._check_owner(db, entry_id)
            db.execute("DELETE FROM entries WHERE id=?", (entry_id,))

    # ------------------------------------------------------------------ 我的店

    def _profile_dir(self, name: str) -> Path:
        # The folder is a hash of shelf and name: nothing she typed becomes a path.
        key = hashlib.sha256(f"{self.owner or ''}\n{name}".encode()).hexdigest()[:32]
        return self.root / "profiles" / key

    @staticmethod
    def _check_profile_name(name: str) -> str:
        name = (name or "").strip()
        if not name or len(name) > MAX_PROFILE_NAME or any(ord(c) < 32 for c in name):
            raise UserError(
                f"店的名字要写 1 到 {MAX_PROFILE_NAME} 个字。", f"A profile name needs 1–{MAX_PROFILE_NAME} characters."
            )
        return name

    @_when_full_says_so
    def save_profile(self, profile: Profile, name: str = PROFILE) -> Profile:
        """Keep 我的店 for this shelf; the logo is copied in (the upload is temporary). Returns it as kept."""
        name = self._check_profile_name(name)
        profile.validate()
        folder = self._profile_dir(name)
        folder.mkdir(parents=True, exist_ok=True)
        logo_name = _copy_in(profile.logo, folder, "logo")
        data = json.dumps({**profile.to_dict(), "logo": logo_name}, ensure_ascii=False)
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO profiles (owner, name, updated, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(owner, name) DO UPDATE SET updated=excluded.updated, data=excluded.data",
                (self.owner or "", name, time.time(), data),
            )
        return self.load_profile(name)

    def load_profile(self, name: str = PROFILE) -> Profile:
        """This shelf's profile, or an empty one: a seller who never set it up starts blank."""
        name = self._check_profile_name(name)
        with closing(self._connect()) as db:
            row = db.execute("SELECT data FROM profiles WHERE owner=? AND name=?", (self.owner or "", name)).fetchone()
        if row is None:
            return Profile()
        data = json.loads(row[0])
        logo = data.get("logo")
        path = self._profile_dir(name) / logo if isinstance(logo, str) and READABLE_NAME.match(logo) else None
        return Profile.from_dict({**data, "logo": str(path) if path and path.is_file() else None})

    def profile_names(self) -> list[str]:
        with closing(self._connect()) as db:
            rows = db.execute("SELECT name FROM profiles WHERE owner=? ORDER BY name", (self.owner or "",)).fetchall()
        return [row[0] for row in rows]

    # ------------------------------------------------------------------ reading

    def entries(self, limit: int = 100) -> list[Entry]:
        """Newest first."""
        mine, params = ("", (limit,)) if self.owner is None else ("WHERE owner=? ", (self.owner, limit))
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT id, created, updated, brief, photo, copy, posters, videos FROM entries "
                + mine
                + "ORDER BY updated DESC LIMIT ?",
                params,
            ).fetchall()
        return [self._entry(row) for row in rows]

    def load(self, entry_id: str) -> Entry:
        self._dir(entry_id)
        with closing(self._connect()) as db:
            self._check_owner(db, entry_id)
            row = db.execute(
                "SELECT id, created, updated, brief, photo, copy, posters, videos FROM entries WHERE id=?", (entry_id,)
            ).fetchone()
        if row is None:
            raise UserError("这条记录已经删除了。", f"History entry {entry_id} no longer exists.")
        return self._entry(row)

    def _entry(self, row) -> Entry:
        entry_id, created, updated, brief_json, photo, copy_json, posters_json, videos_json = row
        folder = self._dir(entry_id)
        data = json.loads(brief_json)
        photo_path = folder / photo if photo and (folder / photo).is_file() else None
        logo = data.get("logo")
        logo_path = folder / logo if isinstance(logo, str) and READABLE_NAME.match(logo) else None
        brief = Brief.from_dict(
            {
                **data,
                "photo": str(photo_path) if photo_path else None,
                "logo": str(logo_path) if logo_path and logo_path.is_file() else None,
            }
        )
        copy = Copy.from_dict(json.loads(copy_json)) if copy_json else None
        posters = [folder / name for name in json.loads(posters_json) if (folder / name).is_file()]
        videos = [folder / name for name in json.loads(videos_json) if (folder / name).is_file()]
        recording = next(iter(sorted(folder.glob("recording.*"))), None)
        heard = None
        if (folder / "heard.json").is_file():
            try:
                heard = Transcript.from_dict(json.loads((folder / "heard.json").read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                heard = None  # a damaged side file costs the subtitles' times, never the entry
        return Entry(entry_id, created, updated, brief, copy, posters, videos, recording, heard)


def _copy_in(upload: str | Path | None, folder: Path, stem: str) -> str | None:
    """Keep ``upload`` in ``folder`` as ``stem`` with its suffix (uploads are temporary) and
    return that name; ``None`` when there is no such file. The one it replaces goes: an
    entry keeps one photo, not every photo she ever tried."""
    if not upload or not Path(upload).is_file():
        return None
    source = Path(upload)
    name = stem + _suffix(source, ".img")
    if source.resolve() != (folder / name).resolve():  # a reopened entry's photo is already ours
        copy_atomically(source, folder / name)
    for old in folder.glob(f"{stem}.*"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return name


def _suffix(path: Path, default: str) -> str:
    """The upload's suffix if it is a plain one (.jpg, .m4a), else ``default``: her file's name is not ours to use."""
    suffix = path.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else default


def shelf_id_or_new(value: object) -> str:
    """A browser's shelf id as the page sends it back, or a new one if it is missing or malformed."""
    return value if isinstance(value, str) and _SHELF_ID.match(value) else secrets.token_hex(16)
