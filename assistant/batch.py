"""A whole class's products at once: a table in, copy and posters for every row out, one zip.

Trainers keep the class's products in Excel or WPS. The table may be a CSV file (UTF-8, or
GBK as Chinese Excel saves it) or rows pasted from a spreadsheet (tab-separated). Columns
are found by their headings, in Chinese or English (卖什么/产品/product, 价格/price,
描述/说明/description, 联系方式/微信/电话/contact, 照片/photo). A bad row gets its reason in
``report.csv`` and the other rows are still made.

    <out>/01-杏子/   copy.json, brief.json, 杏子-朋友圈.png …
    <out>/report.csv  row, product, result, reason
    <out>/海报.zip     everything above, to hand back in one file
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.contracts import Profile
from assistant.copywriting import CopyOptions
from assistant.errors import UserError
from assistant.files import readable_stem, write_atomically
from assistant.imaging.photo import open_photo
from assistant.pipeline import DEFAULT_POSTER_SIZES, Pipeline, poster_choices, save_copy, save_posters

MAX_ROWS = 200  # a class is 20–40 sellers; a table far larger is a mistake, not a class
HEADINGS = {
    "product": ("卖什么", "产品", "产品名", "商品", "商品名", "名称", "product", "name"),
    "price": ("价格", "价钱", "售价", "price"),
    "transcript": ("描述", "说明", "介绍", "文字", "她说的话", "description", "text"),
    "contact": ("联系方式", "微信", "微信号", "电话", "手机", "contact", "wechat", "phone"),
    "photo": ("照片", "图片", "照片文件", "photo", "image", "picture"),
}


@dataclass
class Row:
    number: int  # as the trainer sees it in her spreadsheet: the heading is row 1
    fields: dict[str, str]


@dataclass
class RowResult:
    row: Row
    product: str
    files: list[Path] = field(default_factory=list)
    reason: str = ""  # why it was not made, in plain Chinese; "" when it was

    @property
    def made(self) -> bool:
        return not self.reason


@dataclass
class BatchResult:
    rows: list[RowResult]
    report: Path
    archive: Path
    seconds: float

    @property
    def made(self) -> int:
        return sum(r.made for r in self.rows)

    @property
    def rows_per_minute(self) -> float:
        return self.made / self.seconds * 60 if self.seconds else 0.0


def decode_table(data: bytes) -> str:
    """The table's text: UTF-8 (with or without Excel's BOM), else GBK (Chinese Excel's CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError("这个表格打不开：请在 Excel/WPS 里「另存为」CSV 文件再试。", "The table is neither UTF-8 nor GBK.")


def read_rows(text: str) -> list[Row]:
    """Rows of a CSV or of cells pasted from a spreadsheet, keyed by the columns we know."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise UserError(
            "表格里至少要有一行标题（卖什么、价格、描述、联系方式、照片）和一行商品。", "The table has no rows."
        )
    dialect = "excel-tab" if "\t" in lines[0] else "excel"
    table = list(csv.reader(io.StringIO("\n".join(lines)), dialect=dialect))
    columns = {}
    for index, heading in enumerate(table[0]):
        name = heading.strip().lower()
        for key, words in HEADINGS.items():
            if name in words and key not in columns:
                columns[key] = index
    if "product" not in columns and "transcript" not in columns:
        raise UserError(
            "表格第一行要写标题，至少要有「卖什么」或者「描述」这一列。",
            f"No product or description column among {table[0]}.",
        )
    if len(table) - 1 > MAX_ROWS:
        raise UserError(f"一次最多做 {MAX_ROWS} 行，请把表格分开。", f"More than {MAX_ROWS} rows.")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()}
        if any(values.values()):
            rows.append(Row(number, values))
    return rows


def photo_in(folder: Path | None, name: str) -> str | None:
    """The row's photo inside ``folder``, by its file name only: a name with a path in it
    (``../../etc/x.jpg``) is refused, so a table cannot reach outside the photos she gave."""
    if not name:
        return None
    if folder is None:
        raise UserError(f"这一行要用照片「{name}」，但是没有给照片文件夹。", "A photo is named but no folder given.")
    if Path(name).name != name or name.startswith("."):
        raise UserError(f"照片「{name}」只写文件名就好，不要写文件夹。", f"Photo name with a path: {name!r}.")
    path = folder / name
    if not path.is_file():
        raise UserError(f"照片文件夹里没有「{name}」。", f"No photo {name!r} in {folder}.")
    return str(path)


MAX_PHOTOS = 400
MAX_PHOTO_BYTES = 30 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024  # a class's photos unpacked; more is a zip bomb or a mistake
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp"}


def gather_photos(uploads: list[str | Path], folder: Path) -> Path:
    """Her uploaded photos, and the photos inside any zip among them, in ``folder`` by file
    name only. Nothing in a zip is written outside ``folder`` (members' own folders are
    dropped), and its unpacked size is checked before anything is unpacked."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0

    def keep(name: str, read: Callable[[], bytes]) -> None:
        nonlocal count
        base = Path(name.replace("\\", "/")).name
        if not base or base.startswith(".") or Path(base).suffix.lower() not in PHOTO_SUFFIXES:
            return
        count += 1
        if count > MAX_PHOTOS:
            raise UserError(f"照片太多了（超过 {MAX_PHOTOS} 张），请分开做。", "Too many photos.")
        write_atomically(folder / base, read())

    for upload in uploads:
        path = Path(upload)
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if sum(m.file_size for m in members) > MAX_ZIP_BYTES or any(
                    m.file_size > MAX_PHOTO_BYTES for m in members
                ):
                    raise UserError("压缩包里的文件太大了，请只放商品照片。", "The zip unpacks too large.")
                for member in members:
                    # Chinese Windows zips name files in GBK without saying so; Python reads them as cp437.
                    name = member.filename
                    if not member.flag_bits & 0x800:
                        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                            name = name.encode("cp437").decode("gbk")
                    keep(name, lambda member=member: archive.read(member))
        else:
            keep(path.name, path.read_bytes)
    return folder


def make_batch(
    pipeline: Pipeline,
    rows: list[Row],
    out_dir: Path,
    photos: Path | None = None,
    profile: Profile = Profile(),
    platforms: tuple[str, ...] | None = None,
    progress: Callable[[int, int, RowResult], None] | None = None,
) -> BatchResult:
    """Copy and posters for every row, each in its own folder; a failed row is reported, not fatal."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for done, row in enumerate(rows, start=1):
        product = row.fields.get("product", "")
        result = RowResult(row, product)
        try:
            brief = profile.brief(
                row.fields.get("transcript", ""),
                product=product,
                price=row.fields.get("price", ""),
                contact=row.fields.get("contact", ""),
                photo=photo_in(photos, row.fields.get("photo", "")),
            )
            brief.validate()
            if brief.photo:
                open_photo(brief.photo)  # a broken photo costs this row only, before the model's time
            copy = pipeline.write_copy(brief, CopyOptions(platforms=platforms))
            # Her product's template in the page's default sizes: one poster per size, as on the page.
            posters = pipeline.render_posters(copy, brief, poster_choices(brief, None, DEFAULT_POSTER_SIZES))
            folder = out_dir / f"{row.number - 1:02d}-{readable_stem(product or copy.title, '商品')}"
            folder.mkdir(exist_ok=True)
            result.files = [
                write_atomically(folder / "brief.json", json.dumps(brief.to_dict(), ensure_ascii=False, indent=1)),
                save_copy(folder, copy),
                *save_posters(folder, posters, product or copy.facts.get("product", "")),
            ]
            result.product = product or copy.facts.get("product", "") or copy.title
        except UserError as exc:
            result.reason = exc.zh
        results.append(result)
        if progress:
            progress(done, len(rows), result)
    report = _write_report(out_dir, results)
    archive = _write_archive(out_dir, results, report)
    return BatchResult(results, report, archive, time.perf_counter() - started)


def _write_report(out_dir: Path, results: list[RowResult]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["行", "商品", "结果", "原因"])
    for r in results:
        writer.writerow([r.row.number, r.product, "做好了" if r.made else "没做成", r.reason])
    # UTF-8 with a BOM: Excel and WPS then open the Chinese correctly.
    return write_atomically(out_dir / "report.csv", "\ufeff" + buffer.getvalue())


def _write_archive(out_dir: Path, results: list[RowResult], report: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed already
        archive.write(report, report.name)
        for r in results:
            for path in r.files:
                archive.write(path, f"{path.parent.name}/{path.name}")
    return write_atomically(out_dir / "海报.zip", buffer.getvalue())
