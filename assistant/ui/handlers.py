"""Plain functions behind the page's buttons.

Each takes the page's state objects (:class:`Form`, :class:`Work`) and plain values, and
returns a dict of named updates: the names of the page's parts (see ``page.py``) mapped
to their new values. A part not named is left as it is. Every :class:`UserError`
becomes a friendly Chinese message, and nothing the seller typed is thrown away: on
failure only the message changes. ``page.py`` only wires Gradio components to these,
so the tests drive the same functions the page does.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from assistant.batch import decode_table, gather_photos, make_batch, read_rows
from assistant.contracts import DEFAULT_STYLE, Brief, Copy, Piece, Profile, Progress, Transcript, styles
from assistant.copywriting import PLATFORMS, TEXT_PLATFORMS, CopyOptions
from assistant.errors import UserError
from assistant.files import fingerprints, readable_stem, remove_copies, wav_bytes
from assistant.imaging.photo import open_photo
from assistant.imaging.qrcode import draw_code, read_shop_code
from assistant.language.facts import understand
from assistant.pipeline import DEFAULT_POSTER_SIZES, Pipeline, poster_choices, suggested_template, template_thumbnails
from assistant.poster.checks import before_poster, safe_title
from assistant.poster.export import caption_of_file, poster_files, poster_labels
from assistant.poster.templates import load_sizes
from assistant.speech import hotwords_from
from assistant.store import Store, shelf_id_or_new
from assistant.ui.jobs import Jobs

# The steps, as tab ids: one screen each on a phone, and the page moves on by itself.
SPEAK, CHECK, COPY, POSTER, VIDEO, HISTORY, SHOP, CLASS = (
    "speak",
    "check",
    "copy",
    "poster",
    "video",
    "history",
    "shop",
    "class",
)

LANGUAGES = {"普通话": "zh", "粤语": "yue", "自动识别": None}
STYLES = list(styles())

# Typed sample briefs for trainers: (transcript, product, price, contact).
EXAMPLES = [
    ["我家的杏子又大又甜，一斤十五块，包邮。", "杏子", "15元/斤", "xingzi_88"],
    ["我们的民宿在山脚下，推开窗就是茶园，一晚两百八，含早餐，周末要提前订。", "山居民宿", "280元/晚", "13800138000"],
    [
        "这是我自己绣的苗绣小包，一针一线都是手工，图案是我们寨子传下来的，一个一百二。",
        "苗绣小包",
        "120元/个",
        "miaoxiu_ayi",
    ],
    ["今年的土蜂蜜摇出来了，是山里的野花蜜，一斤装六十块，两斤以上包邮。", "土蜂蜜", "60元/斤", ""],
]

# What an empty tab means, so a seller of apricots is not puzzled by a blank 民宿 tab.
EMPTY_POST_HINTS = {p: "这一项没写：在第 ② 步「写哪些」里勾上，再点「写文案」。" for p in TEXT_PLATFORMS}
EMPTY_POST_HINTS["homestay"] = "说到民宿、住宿、房间时，这里会写民宿介绍。"

NO_ENTRY_CHOSEN = "请先在上面选一条记录。"

# 慢一点 for older sellers: slow enough to follow, not so slow that the voice drags.
SPEEDS = {"正常": 1.0, "慢一点": 0.75}


@dataclass(frozen=True)
class Form:
    """What the seller typed or corrected on ②, as the page sends it back."""

    transcript: str = ""
    product: str = ""
    price: str = ""
    contact: str = ""
    photo: str | None = None
    style: str = DEFAULT_STYLE
    qr: str = ""  # what her own QR code holds, once Mulan has read her picture of it
    shop: str = ""
    logo: str | None = None  # from 我的店 (kept server-side: a browser never names a file)
    colour: str = ""  # from 我的店

    def brief(self) -> Brief:
        return Brief(
            self.transcript,
            product=self.product,
            price=self.price,
            contact=self.contact,
            photo=self.photo or None,
            style=self.style or DEFAULT_STYLE,
            qr=self.qr,
            shop=self.shop,
            logo=self.logo,
            colour=self.colour,
        )

    @classmethod
    def of(cls, brief: Brief) -> "Form":
        return cls(**{f.name: getattr(brief, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Edits:
    """Her edits to the poster text in ③ (a blank field keeps what was written)."""

    title: str = ""
    slogan: str = ""
    points: str = ""

    def apply(self, copy: Copy) -> Copy:
        return copy.with_poster_edits(self.title, self.slogan, self.points)


@dataclass(frozen=True)
class Work:
    """What this page is working on, kept in the page's state between taps.

    Attributes:
        entry_id: its entry in the history, once something is filed.
        copy: the copy as written (her poster-text edits live in ③'s boxes until she uses them).
        template_id: the template she picked in ④; ``None`` for the suggested one.
        attempt: how many times she tapped 换一个 for this copy.
        recording: her recording, for a video in her own voice.
        heard: what the recogniser heard in it, with each segment's time (for the subtitles).
    """

    entry_id: str | None = None
    copy: Copy | None = None
    template_id: str | None = None
    attempt: int = 0
    recording: str | None = None
    heard: Transcript | None = None


# --------------------------------------------------------------------------- ① ②


def model_status(pipeline: Pipeline) -> str:
    ready = pipeline.ready
    if all(ready.values()):
        return "✅ 准备好了，可以开始说话。"
    parts = [("听写", ready["speech"]), ("写文案", ready["copy"])]
    return "⏳ 正在准备：" + "，".join(f"{name}{'已就绪' if ok else '加载中'}" for name, ok in parts)


def listen(
    pipeline: Pipeline,
    audio: str | None,
    language: str,
    hotwords: str = "",
    work: Work = Work(),
    progress: Progress | None = None,
) -> dict:
    """Her recording as text. Heard: the text, and on to ② to check it. Not heard: a
    message on ①, and the text she may already have corrected stays."""
    if not audio:  # the path of her recording
        return {"listen_msg": "请先录音，或者上传一段语音。"}
    try:
        options = replace(
            pipeline.speech_options, language=LANGUAGES.get(language, "zh"), hotwords=hotwords_from(hotwords)
        )
        transcript = pipeline.transcribe(audio, progress=progress, options=options)
    except UserError as exc:
        return {"listen_msg": f"⚠️ {exc.zh}"}
    seconds = transcript.timings.get("transcribe_s", 0)
    heard = f"✅ 听写好了（{transcript.duration_s:.0f} 秒的录音，用时 {seconds:.1f} 秒）。有错字可以直接改。"
    kept = replace(work, recording=audio, heard=transcript)  # for a video in her own voice
    return {"transcript": transcript.text, "listen_msg": "", "heard_msg": heard, "step": CHECK, "work": kept}


def read_code(qr_image: str | None, form: Form) -> dict:
    """Her QR code from a screenshot or photo of it: read, named, and shown back redrawn, so
    she sees it worked. An unreadable picture changes nothing else, and a code read before stays."""
    if not qr_image:
        return {"qr": "", "qr_msg": "", "qr_preview": None}
    try:
        code = read_shop_code(qr_image)
    except UserError as exc:
        kept = "（之前认出的码还在用。）" if form.qr else ""
        return {"qr_msg": f"⚠️ {exc.zh}{kept}"}
    preview = draw_code(code.payload, 240)
    shown = f"✅ 认出来了：**{code.kind.name}**。海报上会印上这个码，旁边写「{code.kind.scan_hint}」。"
    if code.kind.kind in ("text", "link"):
        shown += "\n\n这个码不是微信、收款或者抖音的码，扫出来是一段文字或网址。确定是你要的码吗？"
    return {"qr": code.payload, "qr_msg": shown, "qr_preview": preview}


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>])")


def shown_as_text(text: str) -> str:
    """Her own words inside a Markdown message, shown as she wrote them (「**特价**」 stays
    with its stars, a link is not made a link, a tag is not a tag)."""
    return _MARKDOWN.sub(r"\\\1", text)


def take_photo(photo_upload: str | None, form: Form) -> dict:
    """Her photo, opened here (HEIC, sideways, 16-bit and all) before anything relies on it.

    The page takes it as a plain file, so a file that is not a photo reaches ``open_photo``
    and its plain message, not a broken preview; one that cannot be read changes nothing,
    and the photo she chose before stays in use."""
    if not photo_upload:
        return {"photo": None, "photo_preview": None, "photo_msg": ""}
    try:
        preview = photo_thumbnail(photo_upload, strict=True)
    except UserError as exc:
        kept = "（之前选的照片还在用。）" if form.photo else ""
        return {"photo_msg": f"⚠️ {exc.zh}{kept}"}
    return {"photo": photo_upload, "photo_preview": preview, "photo_msg": ""}


def brief_problem(form: Form) -> str | None:
    """What stops 写文案 from starting, as a message for step ②, or ``None``. Checked before
    the page moves on to ③, so the seller sees it next to what she typed."""
    try:
        form.brief().validate()
    except UserError as exc:
        return f"⚠️ {exc.zh}"
    return None


@dataclass(frozen=True)
class Proposal:
    """What ② last filled in from her words. A field that still holds it (or is empty) follows
    her words; one she typed over is hers, and never overwritten."""

    product: str = ""
    price: str = ""
    contact: str = ""


PROPOSED_FIELDS = {"product": "卖什么", "price": "价格", "contact": "联系方式"}


def propose_fields(transcript: str, proposed: Proposal) -> dict:
    """卖什么, 价格 and 联系方式 proposed from her words, as she speaks or corrects them.

    The proposal goes to the page as ``proposal`` (the new values and the ones proposed
    before), and her browser fills them in (APPLY_PROPOSAL_JS): only a field that is empty
    or still holds what was proposed before. It is done there, with the fields' values at
    that moment, because she may have typed into one while her words were read here."""
    found = understand(transcript or "")
    now = Proposal(**{name: getattr(found, name) for name in PROPOSED_FIELDS})
    named = [
        f"{label}「{shown_as_text(getattr(now, name))}」"
        for name, label in PROPOSED_FIELDS.items()
        if getattr(now, name)
    ]
    return {
        "proposed": now,
        "proposal": json.dumps({"new": asdict(now), "old": asdict(proposed or Proposal())}, ensure_ascii=False),
        "fields_msg": f"✨ 从你的话里找到了：{'，'.join(named)}。空着的已经填上，不对可以直接改。" if named else "",
    }


def apply_proposal(proposal: str, product: str, price: str, contact: str) -> tuple[str, str, str]:
    """What APPLY_PROPOSAL_JS does in her browser, for the tests: a field that is empty or
    still holds the old proposal takes the new one; one she typed over stays hers (and, in
    the browser only, so does the one she is typing in at that moment)."""
    values = json.loads(proposal or "{}")
    new, old = values.get("new", {}), values.get("old", {})

    def pick(name: str, mine: str) -> str:
        mine = mine or ""
        return new.get(name, "") if not mine.strip() or mine.strip() == old.get(name, "") else mine

    return pick("product", product), pick("price", price), pick("contact", contact)


def start_writing(form: Form, shelf: str | None, work: Work = Work()) -> dict:
    """写文案: a brief that cannot be written stops here, on ②, next to what she typed.
    Otherwise a new entry begins (the old copy is let go first, so a failed write never
    files it again under a new entry) and the page moves on to ③. The shelf is settled
    here too, in case she is quicker than the page's load event."""
    problem = brief_problem(form)
    if problem:
        return {"check_msg": problem}
    fresh = Work(recording=work.recording, heard=work.heard)  # her voice stays for the video
    return {"check_msg": "", "work": fresh, "step": COPY, "shelf": shelf_id_or_new(shelf)}


# --------------------------------------------------------------------------- ③


def copy_fields(copy: Copy) -> dict:
    """The copy as ③ shows it: poster text, hashtags, and one text per platform."""
    return {
        "title": copy.title,
        "slogan": copy.slogan,
        "points": "\n".join(copy.selling_points),
        "hashtags": " ".join(f"#{t}" for t in copy.hashtags),
        **{f"post:{p}": copy.posts.get(p, "") for p in TEXT_PLATFORMS},
    }


def explain(copy: Copy) -> str:
    """What was changed in the model's copy and why, as a Markdown list in plain words."""
    lines = [f"{c.explain()}。" for c in copy.changes] or ["没有广告法不让用的词，也没有编你没说过的话。"]
    server = next((n for n in copy.notes if n.startswith("模型服务器")), None)
    if server:  # the model server failed: say so, in the words the copywriter left
        lines.insert(0, f"⚠️ {server}")
    elif copy.source == "fallback":
        lines.insert(0, "文案模型这次没写好，先给你一个根据原话整理的版本，可以点「换一个」再试。")
    return "\n".join(f"- {line}" for line in lines)


def write_copy(
    pipeline: Pipeline,
    work: Work,
    form: Form,
    ticked: list[str] | tuple[str, ...] | None = None,
) -> Iterator[dict]:
    """Stream the copy: the text being written, each platform's result as soon as it is
    ready, and at the end what was changed and why.

    ``ticked`` are the texts she ticked (the poster text is always written; the 民宿 text
    only for a homestay); ``None`` writes everything the brief needs. ``work.attempt`` > 0
    (换一个) samples a different version on purpose; the first is greedy and reproducible.
    """
    brief = form.brief()
    try:
        brief.validate()
        chosen = tuple(PLATFORM_IDS.get(t, t) for t in ticked) if ticked is not None else None
        options = CopyOptions.for_page(brief, chosen, work.attempt, previous=work.copy)
        wanted = options.order(brief)
        started = time.perf_counter()
        writing: dict[str, str] = {}  # a model server writes several texts at once
        shown = ""
        for item in pipeline.stream_copy(brief, options):
            if isinstance(item, Piece):
                writing[item.platform] = writing.get(item.platform, "") + item.text
                shown = "\n\n".join(f"【{PLATFORMS[p].label}】\n{text}" for p, text in writing.items())
                names = "、".join(PLATFORMS[p].label for p in writing)
                yield {"raw": shown, "write_msg": f"✍️ 正在写{names}……"}
                continue
            for platform in item.sources:
                writing.pop(platform, None)
            if len(item.sources) < len(wanted):
                done = "、".join(PLATFORMS[p].label for p in item.sources)
                message = f"✍️ 已写好：{done}。还在写……"
            else:
                message = f"✅ 文案写好了（用时 {time.perf_counter() - started:.0f} 秒）。\n\n{explain(item)}"
            yield {"raw": shown, "work": replace(work, copy=item), **copy_fields(item), "write_msg": message}
    except UserError as exc:
        yield {"raw": "", "write_msg": f"⚠️ {exc.zh}"}


def write_and_file(
    jobs: Jobs,
    shelf: str,
    pipeline: Pipeline,
    store: Store,
    work: Work,
    form: Form,
    ticked: list[str] | tuple[str, ...] | None = None,
) -> Iterator[dict]:
    """写文案 and 换一个 as a job of her shelf's: the copy is written and filed in her 历史 even
    if her phone drops off the page meanwhile; this page only follows it."""

    def steps() -> Iterator[dict]:
        current = work
        for updates in write_copy(pipeline, work, form, ticked):
            current = updates.get("work", current)
            yield updates
        yield remember_copy(store, current, form)

    yield from jobs.start(shelf, "copy", steps, context={"form": form}).follow()


def in_background(jobs: Jobs, shelf: str, kind: str, form: Form, make: Callable[[], dict]) -> Iterator[dict]:
    """做海报 and 做视频 as a job of her shelf's, like the copy: what ``make()`` files lands in
    her 历史 and comes back to a reloaded page even if her phone dropped off meanwhile."""

    def steps() -> Iterator[dict]:
        yield make()

    yield from jobs.start(shelf, kind, steps, context={"form": form}).follow()


# What a page that comes back says about each kind of job, while it runs and once it is done.
_RESUMED = {
    "copy": (COPY, "write_msg", "✍️ 刚才的文案还在写，马上就好……", "✅ 刚才的文案已经写好，也存进了「历史」。"),
    "posters": (POSTER, "poster_msg", "🖼️ 刚才的海报还在做，马上就好……", "✅ 刚才的海报已经做好，也存进了「历史」。"),
    "video": (VIDEO, "video_msg", "🎬 刚才的视频还在做，马上就好……", "✅ 刚才的视频已经做好，也存进了「历史」。"),
}


def resume(jobs: Jobs, shelf: str) -> Iterator[dict]:
    """A page that comes back (a reload, a phone that slept) picks up her work where it is:
    the copy, posters and video still being made, or made and filed while she was away, each
    shown on its step, with the form they came from."""
    waiting = jobs.all_waiting(shelf) if shelf else []
    if not waiting:
        yield {}
        return
    shown: dict = {}
    for job in waiting:
        step, message, running, done = _RESUMED.get(job.kind, _RESUMED["copy"])
        first = True
        for state in job.follow():
            if first:
                note = running if job.running else done
                shown = {**shown, "form": job.context["form"], "step": step, message: state.get(message, note)}
                first = False
            shown = {**shown, **state}
            yield shown


def write_again(work: Work) -> dict:
    """换一个: the next attempt for the same entry."""
    return {"work": replace(work, attempt=work.attempt + 1)}


def remember_copy(store: Store, work: Work, form: Form) -> dict:
    """File the brief and its finished copy in the history. A new 写文案 starts a new
    entry; 换一个 updates the current one. Nothing to file: nothing changes."""
    if work.copy is None:
        return {}
    entry_id, _ = store.save(work.entry_id, form.brief(), work.copy)
    if work.recording and Path(work.recording).is_file():
        store.save_recording(entry_id, Path(work.recording), work.heard)
    return {"work": replace(work, entry_id=entry_id), "history": history_choices(store)}


def suggestion(form: Form, work: Work) -> dict:
    """④'s hint names the template suggested for her product, until she picks one."""
    if work.template_id:
        return {}
    return {"template_msg": f"👇 点一个喜欢的模板（不点就用推荐的：{suggested_template(form.brief()).name}）"}


# --------------------------------------------------------------------------- ④


def template_gallery(folder: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Thumbnails of every template with its sample copy, for ④'s picker, and their ids in the same order."""
    thumbnails = template_thumbnails(folder)
    return [(str(path), template.name) for template, path in thumbnails], [t.id for t, _ in thumbnails]


def template_previews(pipeline: Pipeline, work: Work, form: Form, edits: Edits) -> dict:
    """Every template drawn small with her own copy and photo. Before any copy is written
    the picker keeps its samples; a photo that cannot be read keeps them too (做海报 then
    says why)."""
    if work.copy is None:
        return {}
    try:
        return {"templates": pipeline.preview_posters(edits.apply(work.copy), form.brief())}
    except UserError:
        return {}


def poster_doubts(work: Work, form: Form, edits: Edits = Edits()) -> dict:
    """Before 做海报: what is missing or doubtful, each with its one-tap fix (never a block)."""
    none = {"poster_check": "", "fix_check": "", "fix_title": ""}
    if work.copy is None:
        return none
    copy, brief = edits.apply(work.copy), form.brief()
    doubts = before_poster(brief, copy)
    if not doubts:
        return none
    title = safe_title(brief, copy)
    lines = "\n".join(f"- {d.zh}" for d in doubts)
    return {
        "poster_check": f"**做海报之前看一看**（不改也能做）：\n{lines}",
        "fix_check": "✏️ 回 ② 补上" if any(d.fix == "check" for d in doubts) else "",
        "fix_title": f"🔁 标题改成「{title}」" if any(d.fix == "title" for d in doubts) and title != copy.title else "",
    }


def use_safe_title(work: Work, form: Form, edits: Edits = Edits()) -> dict:
    """The title fix: her product's name as the title, in ③'s box, and the list again."""
    if work.copy is None:
        return {}
    title = safe_title(form.brief(), edits.apply(work.copy))
    return {"title": title, **poster_doubts(work, form, replace(edits, title=title))}


def pick_template(work: Work, template_id: str, name: str) -> dict:
    return {"work": replace(work, template_id=template_id), "template_msg": f"✅ 选好了：{name}"}


# The ticks' values are their Chinese names, not our ids: the browser shows a value as the
# box's tooltip, and "xiaohongshu" is no word for her. Handlers take either.
PLATFORM_IDS = {PLATFORMS[p].label: p for p in TEXT_PLATFORMS}
SIZE_IDS = {size.label: size.id for size in load_sizes().values()}


def platform_choices() -> list[tuple[str, str]]:
    """(label, value) of every text besides the poster's, for the 写哪些 ticks."""
    return [
        (PLATFORMS[p].label + ("（说到住宿才写）" if PLATFORMS[p].only_for_homestays else ""), PLATFORMS[p].label)
        for p in TEXT_PLATFORMS
    ]


def size_choices() -> list[tuple[str, str]]:
    return [(f"{size.label}（{size.width}×{size.height}）", size.label) for size in load_sizes().values()]


DEFAULT_SIZES = [load_sizes()[s].label for s in DEFAULT_POSTER_SIZES]
ALL_PLATFORMS = [PLATFORMS[p].label for p in TEXT_PLATFORMS]


def render_posters(
    pipeline: Pipeline,
    store: Store,
    work: Work,
    form: Form,
    edits: Edits = Edits(),
    size_ids: list[str] | tuple[str, ...] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Her posters, with her edits to the copy, in the template and sizes she chose (checked
    against the known ones), filed in her history entry (a new one if there is none yet).
    Nothing made: only the message changes, and the posters already on the page stay."""
    if work.copy is None:
        return {"poster_msg": "请先写文案（第 ③ 步）。"}
    copy, brief = edits.apply(work.copy), form.brief()
    try:
        sizes = [SIZE_IDS.get(s, s) for s in size_ids] if size_ids is not None else None
        choices = poster_choices(brief, work.template_id, sizes)
        posters = pipeline.render_posters(copy, brief, choices, progress)
    except UserError as exc:
        return {"poster_msg": f"⚠️ {exc.zh}"}
    if progress:
        progress(0.95, "正在保存……")
    # File names she can read (杏子-朋友圈.png), made only of her product's characters and ours.
    entry_id, paths = store.save(
        work.entry_id, brief, copy, poster_files(posters, brief.product or copy.facts.get("product", ""))
    )
    gallery = [(str(path), label) for path, label in zip(paths, poster_labels(posters)) if path.suffix == ".png"]
    message = "✅ 海报做好了，在下面看大图、下载。也保存在「历史」里了。"
    warnings = [w for p in posters for w in p.warnings]
    if warnings:
        message += "\n\n" + "\n".join(f"- {w}" for w in warnings)
    return {
        "gallery": gallery,
        "downloads": [str(p) for p in paths],
        "poster_msg": message,
        "work": replace(work, entry_id=entry_id, copy=copy),
        "history": history_choices(store),
    }


# --------------------------------------------------------------------------- 我的店


@dataclass(frozen=True)
class ShopForm:
    """我的店 as the page sends it back; the logo and the code's payload are held server-side."""

    shop: str = ""
    seller: str = ""
    contact: str = ""
    style: str = DEFAULT_STYLE
    colour: str = ""

    def profile(self, qr: str, logo: str | None) -> Profile:
        colour = hex_colour(self.colour)
        return Profile(self.shop.strip(), self.seller.strip(), self.contact.strip(), qr, self.style, colour, logo)


def hex_colour(value: str | None) -> str:
    """A colour picker's value as #RRGGBB ("#abc", "#aabbcc", "rgb(…)", "rgba(…)"); "" for none."""
    text = (value or "").strip()
    if m := re.fullmatch(r"#([0-9a-fA-F]{3})", text):
        return "#" + "".join(c * 2 for c in m.group(1)).upper()
    if re.fullmatch(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?", text):
        return text[:7].upper()
    if m := re.fullmatch(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(,\s*[\d.]+\s*)?\)", text):
        return "#" + "".join(f"{min(255, round(float(v))):02X}" for v in m.groups()[:3])
    return text  # anything else is refused, in plain words, when it is saved


def shop_fields(profile: Profile) -> dict:
    """我的店's boxes, filled from her profile."""
    return {
        "shop_name": profile.shop,
        "shop_seller": profile.seller,
        "shop_contact": profile.contact,
        "shop_style": profile.style,
        "shop_colour": profile.colour or None,
        "shop_qr": profile.qr,
        "shop_qr_preview": draw_code(profile.qr, 240) if profile.qr else None,
        "shop_logo": profile.logo,
        "shop_logo_preview": photo_thumbnail(profile.logo),
    }


def start_from_profile(profile: Profile, form: Form) -> dict:
    """② starts from 我的店: each field she has not filled in takes the profile's."""
    if profile.empty:
        return {}
    brief = form.brief()
    filled = profile.brief(
        brief.transcript,
        **{k: getattr(brief, k) for k in ("product", "price", "contact", "photo", "qr", "shop", "logo", "colour")},
    )
    updates = {"form": replace(Form.of(filled), style=form.style if form.style != DEFAULT_STYLE else filled.style)}
    if filled.qr and not form.qr:
        updates["qr_preview"] = draw_code(filled.qr, 240)
    return updates


def read_shop_code_for_profile(shop_qr_image: str | None, shop_qr: str) -> dict:
    """我的店's code: read like ②'s, into the profile's boxes."""
    read = read_code(shop_qr_image, Form(qr=shop_qr))
    renamed = {"qr": "shop_qr", "qr_msg": "shop_msg", "qr_preview": "shop_qr_preview"}
    return {renamed[k]: v for k, v in read.items()}


def take_logo(shop_logo_image: str | None) -> dict:
    """Her logo, checked now (a logo that cannot be drawn is refused here, not on every poster)."""
    if not shop_logo_image:
        return {"shop_logo": None, "shop_logo_preview": None}
    try:
        preview = photo_thumbnail(shop_logo_image, strict=True)
    except UserError as exc:
        return {"shop_msg": f"⚠️ 标志：{exc.zh}"}
    return {"shop_logo": shop_logo_image, "shop_logo_preview": preview, "shop_msg": ""}


def photo_thumbnail(path: str | None, strict: bool = False):
    """A small upright picture of her file, shown without serving the file itself (it may be
    outside the history, or a HEIC no browser shows). ``strict`` raises what is wrong with it."""
    if not path:
        return None
    try:
        return _thumbnail(str(path), Path(path).stat().st_mtime_ns).copy()
    except (UserError, OSError):
        if strict:
            raise
        return None


@functools.lru_cache(maxsize=32)
def _thumbnail(path: str, mtime_ns: int):
    # Cached: a resumed job shows the form (and so this picture) on every update it streams.
    image = open_photo(path)
    image.thumbnail((480, 480))
    return image


def save_shop(store: Store, shop_form: ShopForm, shop_qr: str, shop_logo: str | None, form: Form) -> dict:
    """Keep 我的店 for this shelf, and start ② from it where she has not typed anything."""
    try:
        kept = store.save_profile(shop_form.profile(shop_qr, shop_logo))
    except UserError as exc:
        return {"shop_msg": f"⚠️ {exc.zh}"}
    return {
        **shop_fields(kept),
        **start_from_profile(kept, form),
        "shop_msg": "✅ 我的店保存好了。以后每次做海报，都会自动用上这些。",
    }


# --------------------------------------------------------------------------- 🧑‍🏫 a whole class


def make_class_batch(
    pipeline: Pipeline,
    store: Store,
    class_table: str | None,
    class_rows: str,
    class_photos: list[str] | None,
    progress: Progress | None = None,
) -> dict:
    """A trainer's table (a CSV file, or rows pasted from Excel) and the class's photos (or a
    zip of them): copy and posters for every row, in one zip, with a report of any row that
    could not be made. Each row starts from this shelf's 我的店, if she has set one."""
    import tempfile

    try:
        if class_table:
            text = decode_table(Path(class_table).read_bytes())
        elif class_rows.strip():
            text = class_rows
        else:
            raise UserError("请上传表格，或者把 Excel 里的几行复制粘贴到框里。", "No table given.")
        rows = read_rows(text)
        if not rows:
            raise UserError("表格里没有商品。", "The table has no rows.")
        work = Path(tempfile.mkdtemp(prefix="mulan-class-"))
        photos = gather_photos(class_photos or [], work / "photos") if class_photos else None

        def report(done: int, total: int, result) -> None:
            if progress:
                progress(done / total, f"做好了 {done}/{total} 行（第 {result.row.number} 行 {result.product}）")

        made = make_batch(pipeline, rows, work / "out", photos, store.load_profile(), progress=report)
    except UserError as exc:
        return {"class_msg": f"⚠️ {exc.zh}"}
    lines = [
        f"✅ 做好了 {made.made} / {len(made.rows)} 行（用时 {made.seconds:.0f} 秒）。点下面的「海报.zip」下载全部。",
        "",
        "| 行 | 商品 | 结果 |",
        "|---|---|---|",
    ]
    for r in made.rows:
        outcome = "做好了" if r.made else f"没做成：{r.reason}"
        lines.append(f"| {r.row.number} | {_cell(r.product) or '（没有名字）'} | {_cell(outcome)} |")
    return {"class_msg": "\n".join(lines), "class_files": [str(made.archive), str(made.report)]}


def _cell(text: str) -> str:
    """Her words in a Markdown table cell: shown as text, never as markup."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~-])", r"\\\1", text)


# --------------------------------------------------------------------------- history


def history_choices(store: Store) -> list[tuple[str, str]]:
    """(label, entry id) for the 历史 list, newest first."""
    return [(entry.label, entry.id) for entry in store.entries()]


def open_entry(store: Store, entry_id: str | None) -> dict:
    """Put an old entry back on the page and go straight to what was made last: the
    posters if there are any, else the copy. Cannot be opened: only the message changes."""
    if not entry_id:
        return {"history_msg": NO_ENTRY_CHOSEN}
    try:
        entry = store.load(entry_id)
    except UserError as exc:
        return {"history_msg": f"⚠️ {exc.zh}"}
    pngs = [p for p in entry.posters if p.suffix == ".png"]
    updates = {
        "work": Work(
            entry_id=entry.id,
            copy=entry.copy,
            recording=str(entry.recording) if entry.recording else None,
            heard=entry.heard,
        ),
        "video": str(entry.videos[0]) if entry.videos else None,
        "video_files": [str(p) for p in entry.videos],
        "form": Form.of(entry.brief),
        "qr_preview": draw_code(entry.brief.qr, 240) if entry.brief.qr else None,  # her code, as it was
        "gallery": [(str(p), caption_of_file(p)) for p in pngs],
        "downloads": [str(p) for p in entry.posters],
        "history_msg": f"✅ 已打开：{shown_as_text(entry.label)}",
        "step": POSTER if pngs else COPY if entry.copy else CHECK,
    }
    if entry.copy is not None:
        updates.update(copy_fields(entry.copy))
        updates["write_msg"] = f"✅ 这是以前写的文案。\n\n{explain(entry.copy)}"
    return updates


def delete_entry(store: Store, work: Work, entry_id: str | None, served_from: Path | None = None) -> dict:
    """Delete the chosen entry; the page lets go of it if it was the one being worked on.

    ``served_from`` is Gradio's cache, where the page got copies of her posters, photo and
    video to show: they go too, so a deleted poster (her phone number, her code) is no
    longer served to anyone who kept its address."""
    if not entry_id:
        return {"history_msg": NO_ENTRY_CHOSEN, "confirm": False}
    try:
        label = store.load(entry_id).label
        made = fingerprints(store.entry_files(entry_id))
        store.delete(entry_id)
    except UserError as exc:
        return {"history_msg": f"⚠️ {exc.zh}", "confirm": False}
    if served_from is not None:
        remove_copies(made, served_from)
    updates = {
        "history_msg": f"🗑️ 已删除：{shown_as_text(label)}",
        "confirm": False,
        "history": history_choices(store),
        "history_selected": None,
    }
    if work.entry_id == entry_id:
        updates["work"] = replace(work, entry_id=None)
    return updates


# --------------------------------------------------------------------------- 🔊


def poster_words(edits: Edits) -> str:
    """The poster's text as one thing to hear: title, slogan, then each point."""
    lines = [edits.title, edits.slogan, *edits.points.splitlines()]
    return "。".join(line.strip() for line in lines if line.strip())


def read_aloud(pipeline: Pipeline, text: str, speed: str, request: str) -> Iterator[dict]:
    """``text`` read aloud, one sentence at a time as each is ready, for the page's player.

    ``request`` is the player's id for this tap ("" when the tap stopped the playing
    voice instead); each sentence goes out as a WAV data URL tagged with it, so the
    page plays them in order and drops what a newer tap made stale. Nothing is written
    where the web server could hand it to anyone else.
    """
    if not request:
        return
    try:
        for number, speech in enumerate(pipeline.speak(text, SPEEDS.get(speed, 1.0))):
            data = base64.b64encode(wav_bytes(speech.samples, speech.rate)).decode("ascii")
            chunk = {"id": request, "n": number, "text": speech.text, "wav": f"data:audio/wav;base64,{data}"}
            yield {"voice_stream": json.dumps(chunk, ensure_ascii=False), "voice_msg": ""}
    except UserError as exc:
        yield {"voice_msg": f"⚠️ {exc.zh}"}


# --------------------------------------------------------------------------- 🎬

# What her video's files are called in her phone's downloads: 杏子-抖音视频.mp4, not video.mp4.
VIDEO_FILE_NAMES = {
    "video.mp4": "抖音视频.mp4",
    "video-square.mp4": "朋友圈视频.mp4",
    "video.srt": "字幕.srt",
    "cover.jpg": "封面.jpg",
}
VOICE_CHOICES = {"我自己的声音": "own", "木兰读口播稿": "read", "不要声音": "none"}


def video_voice(work: Work) -> dict:
    """The voice-over she is offered first: her own voice when Mulan has her recording."""
    return {"video_voice": "我自己的声音" if work.recording else "木兰读口播稿"}


def make_video(
    pipeline: Pipeline,
    store: Store,
    work: Work,
    form: Form,
    edits: Edits = Edits(),
    video_voice: str = "木兰读口播稿",
    music: str | None = None,
    more_photos: list[str] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Her short video (9:16, and 1:1 for 朋友圈), filed with the entry. Nothing made: only
    the message changes, and a video already on the page stays."""
    import tempfile

    if work.copy is None:
        return {"video_msg": "请先写文案（第 ③ 步）。"}
    copy, brief = edits.apply(work.copy), form.brief()
    choice = VOICE_CHOICES.get(video_voice, "read")
    photos = [p for p in [brief.photo, *(more_photos or [])] if p]
    script = copy.posts.get("video") or copy.posts.get("moments") or brief.transcript
    try:
        if choice == "own" and not work.recording:
            raise UserError(
                "没有你的录音（这条是打字写的）。可以选「木兰读口播稿」，或者在第 ① 步录一段。",
                "No recording of hers on this page; choose read-aloud or record again.",
            )
        heard = work.heard
        if heard is not None and form.transcript.strip():
            heard = Transcript(form.transcript, heard.segments)  # her corrections, the recogniser's times
        with tempfile.TemporaryDirectory(prefix="mulan-video-") as folder:
            voice = pipeline.voice_over(choice, recording=work.recording, transcript=heard, script=script)
            made = pipeline.make_video(
                copy,
                brief,
                voice,
                Path(folder),
                photos=photos,
                template_id=work.template_id,
                music=music,
                progress=progress,
            )
            if progress:
                progress(0.97, "正在保存……")
            files = [v.path for v in made] + [Path(folder) / "video.srt", Path(folder) / "cover.jpg"]
            entry_id, _ = store.save(work.entry_id, brief, copy)
            stem = readable_stem(brief.product or copy.facts.get("product", ""), "视频")
            named = [(f, f"{stem}-{VIDEO_FILE_NAMES[f.name]}") for f in files if f.is_file()]
            paths = store.save_video_files(entry_id, named)
    except UserError as exc:
        return {"video_msg": f"⚠️ {exc.zh}"}
    story = paths[0]  # the 9:16 video comes first
    seconds = made[0].seconds
    return {
        "video": str(story),
        "video_files": [str(p) for p in paths],
        "video_msg": f"✅ 视频做好了（{seconds:.0f} 秒），在下面先看一看，再下载。也保存在「历史」里了。",
        "work": replace(work, entry_id=entry_id),
        "history": history_choices(store),
    }
