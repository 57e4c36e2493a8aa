"""Plain functions behind the UI's buttons.

Each takes and returns plain values (strings, lists, dicts, paths), turns every
:class:`UserError` into a friendly Chinese message, and never throws away what the
user already typed: on failure the caller gets its own input back. ``app.py`` only
wires Gradio components to these.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from PIL import Image

from .brief import DEFAULT_STYLE, styles
from .copywriting import Brief, Copy, CopyOptions, Piece
from .errors import UserError
from .photo import open_photo
from .pipeline import Assistant, poster_files, poster_labels
from .poster import Renderer
from .sheet import sample
from .platforms import PLATFORMS, TEXT_PLATFORMS
from .speech import hotwords_from
from .store import Store
from .templates import PosterSize, get_template, list_templates, load_sizes, recommend

LANGUAGES = {"普通话": "zh", "粤语": "yue", "自动识别": None}
STYLES = list(styles())

# Typed sample briefs for trainers: (transcript, product, price, contact).
EXAMPLES = [
    ["我家的杏子又大又甜，一斤十五块，包邮。", "杏子", "15元/斤", "xingzi_88"],
    ["我们的民宿在山脚下，推开窗就是茶园，一晚两百八，含早餐，周末要提前订。", "山居民宿", "280元/晚", "13800138000"],
    ["这是我自己绣的苗绣小包，一针一线都是手工，图案是我们寨子传下来的，一个一百二。", "苗绣小包", "120元/个", "miaoxiu_ayi"],
    ["今年的土蜂蜜摇出来了，是山里的野花蜜，一斤装六十块，两斤以上包邮。", "土蜂蜜", "60元/斤", ""],
]

PREVIEW_SIZE = PosterSize("preview", "预览", 360, 360)

# What an empty tab means, so a seller of apricots is not puzzled by a blank 民宿 tab.
EMPTY_POST_HINTS = {p: "这一项没写：在第 ② 步「写哪些」里勾上，再点「写文案」。" for p in TEXT_PLATFORMS}
EMPTY_POST_HINTS["homestay"] = "说到民宿、住宿、房间时，这里会写民宿介绍。"


def model_status(assistant: Assistant) -> str:
    ready = assistant.ready
    if all(ready.values()):
        return "✅ 准备好了，可以开始说话。"
    parts = [("听写", ready["speech"]), ("写文案", ready["copy"])]
    return "⏳ 正在准备：" + "，".join(f"{name}{'已就绪' if ok else '加载中'}" for name, ok in parts)


def transcribe(assistant: Assistant, audio_path: str | None, language: str, current_text: str,
               hotwords: str = "", progress=None) -> tuple[str, str]:
    """(transcript, message). On failure the current text stays as it was.

    ``hotwords`` are words the seller typed (product, place, brand) that the recogniser
    should prefer, e.g. "燕之屋" that whisper-base otherwise hears as "燕之污".
    """
    if not audio_path:
        return current_text, "请先录音，或者上传一段语音。"
    try:
        options = replace(assistant.speech_options, language=LANGUAGES.get(language, "zh"),
                          hotwords=hotwords_from(hotwords))
        transcript = assistant.transcribe(audio_path, progress=progress, options=options)
    except UserError as exc:
        return current_text, f"⚠️ {exc.zh}"
    seconds = transcript.timings.get("transcribe_s", 0)
    return transcript.text, f"✅ 听写好了（{transcript.duration_s:.0f} 秒的录音，用时 {seconds:.1f} 秒）。有错字可以直接改。"


def _brief(transcript: str, product: str, price: str, contact: str, photo: str | None,
           style: str = DEFAULT_STYLE) -> Brief:
    return Brief(transcript=transcript, product=product, price=price, contact=contact, photo=photo or None,
                 style=style or DEFAULT_STYLE)


def brief_problem(transcript: str, product: str, price: str, contact: str, photo: str | None) -> str | None:
    """What stops 写文案 from starting, as a message for step ②, or ``None``. Checked before
    the page moves on to ③, so the seller sees it next to what she typed."""
    try:
        _brief(transcript, product, price, contact, photo).validate()
    except UserError as exc:
        return f"⚠️ {exc.zh}"
    return None


def copy_fields(copy: Copy) -> tuple[str, ...]:
    """title, slogan, selling points (one per line), hashtags, then one text per platform in TEXT_PLATFORMS order."""
    return (copy.title, copy.slogan, "\n".join(copy.selling_points), " ".join(f"#{t}" for t in copy.hashtags),
            *(copy.posts.get(p, "") for p in TEXT_PLATFORMS))


def explain(copy: Copy) -> str:
    """What was changed in the model's copy and why, as a Markdown list in plain words."""
    lines = [f"{c.explain()}。" for c in copy.changes] or ["没有广告法不让用的词，也没有编你没说过的话。"]
    if copy.source == "fallback":
        lines.insert(0, "文案模型这次没写好，先给你一个根据原话整理的版本，可以点「换一个」再试。")
    return "\n".join(f"- {line}" for line in lines)


def stream_copy(assistant: Assistant, transcript: str, product: str, price: str, contact: str,
                photo: str | None, style: str = DEFAULT_STYLE, regenerate: int = 0,
                platforms: tuple[str, ...] | None = None) -> Iterator[tuple[str, dict | None, str]]:
    """Yield (text being written, the copy so far as a dict or None, message).

    The copy comes after each platform, so the page can fill each tab as soon as it is ready.
    ``platforms`` are the texts the seller ticked (the poster text is always written; the
    民宿 text only for a homestay); ``None`` writes everything the brief needs.
    """
    brief = _brief(transcript, product, price, contact, photo, style)
    if platforms is not None:
        platforms = ("poster", *(p for p in platforms if p != "homestay" or brief.is_homestay))
    try:
        brief.validate()
        options = CopyOptions(platforms=platforms)
        if regenerate:  # "换一个" samples on purpose; the first version is greedy and reproducible
            options = options.regenerated(regenerate)
        wanted = options.order(brief)
        started = time.perf_counter()
        shown, current = "", None
        for item in assistant.stream_copy(brief, options):
            if isinstance(item, Piece):
                if item.platform != current:
                    current, shown = item.platform, f"【{PLATFORMS[item.platform].label}】\n"
                shown += item.text
                yield shown, None, f"✍️ 正在写{PLATFORMS[item.platform].label}……"
                continue
            if len(item.sources) < len(wanted):
                done = "、".join(PLATFORMS[p].label for p in item.sources)
                yield shown, item.to_dict(), f"✍️ 已写好：{done}。还在写……"
            else:
                seconds = time.perf_counter() - started
                yield shown, item.to_dict(), f"✅ 文案写好了（用时 {seconds:.0f} 秒）。\n\n{explain(item)}"
    except UserError as exc:
        yield "", None, f"⚠️ {exc.zh}"


def _edited_copy(copy_dict: dict, title: str, slogan: str, points: str) -> Copy:
    """The written copy with the seller's edits to the poster text (blank fields keep the model's)."""
    copy = Copy.from_dict(copy_dict)
    copy.title, copy.slogan = title.strip() or copy.title, slogan.strip() or copy.slogan
    edited_points = [p.strip() for p in points.splitlines() if p.strip()]
    copy.selling_points = edited_points or copy.selling_points
    return copy


def remember_copy(store: Store, entry_id: str | None, transcript: str, product: str, price: str, contact: str,
                  photo: str | None, style: str, copy_dict: dict | None) -> str | None:
    """Save the brief and its finished copy to the history; return the entry id (``None`` if nothing to save).

    A new 写文案 starts a new entry (``entry_id`` None); 换一个 updates the current one.
    """
    if not copy_dict:
        return entry_id
    entry_id = store.save_brief(_brief(transcript, product, price, contact, photo, style), entry_id)
    store.save_copy(entry_id, Copy.from_dict(copy_dict))
    return entry_id


def template_gallery(folder: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Thumbnails of every template with its sample copy, for the ④ 海报 gallery, and their ids
    in the same order. Drawn once and kept in ``folder``; redrawn when a template file changes."""
    folder.mkdir(parents=True, exist_ok=True)
    items, ids = [], []
    for template in list_templates():
        thumb = folder / f"{template.id}.png"
        source = template.folder / "template.json"
        if not thumb.is_file() or thumb.stat().st_mtime < source.stat().st_mtime:
            copy, brief = sample(template.categories[0] if template.categories else "general")
            Renderer().render(template, copy, brief, None, PREVIEW_SIZE).image.save(thumb)
        items.append((str(thumb), template.name))
        ids.append(template.id)
    return items, ids


def template_previews(copy_dict: dict | None, title: str, slogan: str, points: str, transcript: str,
                      product: str, price: str, contact: str, photo: str | None,
                      ) -> list[tuple[Image.Image, str]] | None:
    """Every template drawn small with the seller's own copy, price, QR code and photo, in
    ``list_templates()`` order, so she picks the look of *her* poster. ``None`` before any
    copy is written (the page keeps its sample thumbnails) or if the photo cannot be read
    (做海报 then says why)."""
    if not copy_dict:
        return None
    copy = _edited_copy(copy_dict, title, slogan, points)
    brief = _brief(transcript, product, price, contact, photo)
    try:
        picture = open_photo(photo) if photo else None
        renderer = Renderer()
        # Drawn at 360 px rather than shrunk from 1080: the layout is in per mille, so it is
        # the same poster, in a third of a second for all twelve.
        return [(renderer.render(template, copy, brief, picture, PREVIEW_SIZE).image, template.name)
                for template in list_templates()]
    except UserError:
        return None


def suggested_template(transcript: str, product: str) -> tuple[str, str]:
    """(id, name) of the template that suits this product best."""
    best = recommend(list_templates(), product, transcript)[0]
    return best.id, best.name


def platform_choices() -> list[tuple[str, str]]:
    """(label, id) of every text besides the poster's, for the 写哪些 ticks."""
    return [(PLATFORMS[p].label + ("（说到住宿才写）" if p == "homestay" else ""), p) for p in TEXT_PLATFORMS]


def size_choices() -> list[tuple[str, str]]:
    return [(f"{size.label}（{size.width}×{size.height}）", size.id) for size in load_sizes().values()]


def render_posters(assistant: Assistant, store: Store, entry_id: str | None, copy_dict: dict | None, title: str,
                   slogan: str, points: str, transcript: str, product: str, price: str, contact: str,
                   photo: str | None, template_id: str | None = None,
                   size_ids: list[str] | tuple[str, ...] | None = None, progress=None,
                   ) -> tuple[list[tuple[str, str]], list[str], str, str | None]:
    """(gallery items, files to download, message, entry id). The user's edits to the copy are
    used, and everything is saved to the history entry (a new one if there is none yet).

    ``template_id`` and ``size_ids`` come from the page's choices (checked against the known
    templates and sizes); without them, the suggested template in the 朋友圈 and 抖音 sizes."""
    if not copy_dict:
        return [], [], "请先写文案（第 ③ 步）。", entry_id
    copy = _edited_copy(copy_dict, title, slogan, points)
    brief = _brief(transcript, product, price, contact, photo)
    try:
        choices = None
        if template_id or size_ids:
            template = get_template(template_id) if template_id else get_template(suggested_template(transcript,
                                                                                                    product)[0])
            sizes = [s for s in (size_ids if size_ids is not None else ["moments"]) if s in template.sizes]
            if not sizes:
                raise UserError("请至少选一个海报尺寸。", "Choose at least one poster size.")
            choices = [(template.id, size) for size in sizes]
        posters = assistant.render_posters(copy, brief, choices, progress)
    except UserError as exc:
        return [], [], f"⚠️ {exc.zh}", entry_id
    if progress:
        progress(0.95, "正在保存……")
    entry_id = store.save_brief(brief, entry_id)
    store.save_copy(entry_id, copy)
    # File names are ours (template and size ids), never taken from user input.
    paths = store.save_poster_files(entry_id, poster_files(posters))
    gallery = [(str(path), label) for path, label in zip(paths, poster_labels(posters)) if path.suffix == ".png"]
    warnings = [w for p in posters for w in p.warnings]
    message = "✅ 海报做好了，在下面看大图、下载。也保存在「历史」里了。"
    if warnings:
        message += "\n\n" + "\n".join(f"- {w}" for w in warnings)
    return gallery, [str(p) for p in paths], message, entry_id


# --------------------------------------------------------------------------- history


def history_choices(store: Store) -> list[tuple[str, str]]:
    """(label, entry id) for the 历史 list, newest first."""
    return [(entry.label, entry.id) for entry in store.entries()]


def open_entry(store: Store, entry_id: str | None) -> dict:
    """Everything needed to put an old entry back on the page, or a message if it cannot be opened."""
    if not entry_id:
        return {"message": "请先在上面选一条记录。"}
    try:
        entry = store.load(entry_id)
    except UserError as exc:
        return {"message": f"⚠️ {exc.zh}"}
    copy_dict = entry.copy.to_dict() if entry.copy else None
    pngs = [p for p in entry.posters if p.suffix == ".png"]
    return {
        "entry_id": entry.id, "transcript": entry.brief.transcript, "product": entry.brief.product,
        "price": entry.brief.price, "contact": entry.brief.contact, "photo": entry.brief.photo,
        "style": entry.brief.style, "copy": copy_dict,
        "fields": copy_fields(entry.copy) if entry.copy else None,
        "gallery": [(str(p), p.stem.replace("poster-", "")) for p in pngs],
        "files": [str(p) for p in entry.posters],
        "message": f"✅ 已打开：{entry.label}",
    }


def delete_entry(store: Store, entry_id: str | None) -> str:
    if not entry_id:
        return "请先在上面选一条记录。"
    try:
        label = store.load(entry_id).label
        store.delete(entry_id)
    except UserError as exc:
        return f"⚠️ {exc.zh}"
    return f"🗑️ 已删除：{label}"
