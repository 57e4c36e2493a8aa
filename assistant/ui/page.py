"""Mulan's Gradio page: the components, and the wiring of each event to a plain function
in ``handlers.py``. Nothing is decided here.

Each part of the page has a name. Handlers take named inputs (``form`` and ``edits``
are read from several boxes at once) and return dicts of named updates, which
:meth:`Wiring.shown` turns into Gradio updates; a part a handler does not name stays
as it is.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.contracts import DEFAULT_STYLE
from assistant.copywriting import PLATFORMS, TEXT_PLATFORMS
from assistant.errors import StorageFullError, is_storage_full
from assistant.pipeline import Pipeline
from assistant.store import Store, shelf_id_or_new
from assistant.ui import handlers
from assistant.ui.handlers import CHECK, CLASS, COPY, HISTORY, POSTER, SHOP, SPEAK, VIDEO, Edits, Form, ShopForm, Work
from assistant.ui.jobs import Jobs
from assistant.ui.lan import shelf_secret

CSS = """
.gradio-container {max-width: 980px !important; margin: auto;}
.big-btn button, button.big-btn {font-size: 1.25rem !important; min-height: 3.2rem;}
.mulan-hidden {display: none !important;}
#voice-bar {position: sticky; top: 0; z-index: 20; background: var(--background-fill-primary);}
.say-btn {max-width: 16rem;}
/* The step tabs are the page's navigation: big enough for a thumb. */
#steps > .tab-wrapper button, #steps > div > .tab-container button {
  font-size: 1.1rem !important; padding: 0.6rem 0.7rem;
}
/* Sellers never pick a microphone: the browser's default is hers, and the list shows the
   devices' English names. */
#voice select {display: none !important;}
/* Phones: the template picker shows two per row and the examples table wraps its text,
   so a step never scrolls sideways at 390 px. */
@media (max-width: 640px) {
  .tab-container {flex-wrap: wrap !important; height: auto !important;}
  #templates .grid-container {grid-template-columns: repeat(2, minmax(0, 1fr)) !important;}
  #examples table {table-layout: fixed; width: 100% !important;}
  #examples td, #examples th {white-space: normal !important; word-break: break-all;}
}
"""

# Mulan's voice plays here: each sentence arrives as soon as it is made (voice_stream), and
# this player queues them. Gradio's own streaming audio would need an ffmpeg binary; this
# needs nothing, and no file of hers is ever served.
VOICE_PLAYER = '<audio id="mulan-voice" controls preload="auto" style="width:100%"></audio>'
# A tap on 🔊 while Mulan is reading stops her; otherwise it starts a new reading with a
# fresh id (the last input), and unlocks the player while the tap is fresh (phones allow
# sound only from a tap).
VOICE_TAP_JS = """
(...args) => {
  const v = window.mulanVoice || (window.mulanVoice = {queue: [], id: "", playing: false});
  const player = document.getElementById("mulan-voice");
  if (v.playing || v.queue.length) {
    v.queue = []; v.id = ""; v.playing = false;
    if (player) player.pause();
    args[args.length - 1] = "";
    return args;
  }
  v.id = Math.random().toString(36).slice(2);
  if (player) { player.muted = true; player.play().catch(() => {}); player.pause(); player.muted = false; }
  args[args.length - 1] = v.id;
  return args;
}
"""
VOICE_CHUNK_JS = """
(value) => {
  const v = window.mulanVoice;
  const player = document.getElementById("mulan-voice");
  if (!v || !player || !value) return;
  let chunk;
  try { chunk = JSON.parse(value); } catch (e) { return; }
  if (chunk.id !== v.id) return;  // from a reading she has since stopped or replaced
  v.queue.push(chunk.wav);
  const next = () => {
    const src = v.queue.shift();
    if (!src) { v.playing = false; return; }
    v.playing = true;
    player.src = src;
    player.play().catch(() => { v.playing = false; });
  };
  if (!player.dataset.wired) {
    player.addEventListener("ended", () => { if (window.mulanVoice.playing) next(); });
    player.dataset.wired = "1";
  }
  if (!v.playing) next();
}
"""

# Every media part names its corner buttons: Gradio's default set includes "share", which
# uploads her poster to Hugging Face. Nothing she makes may leave her machine.
NO_SHARING = ["download"]
UPLOADS_KEPT_S = 6 * 3600  # a class's whole day at the centre
PHOTO_TYPES = ["image", ".heic", ".heif"]  # "image" alone hides an iPhone's HEIC in some pickers

# Run once when the page loads: the share sheet / long-press save and one-tap copy (see the file).
PAGE_JS = (Path(__file__).parent / "static" / "phone.js").read_text(encoding="utf-8")
# handlers.apply_proposal, run in her browser on the fields' values of this moment.
APPLY_PROPOSAL_JS = """
(proposal, product, price, contact) => {
  let values = {};
  try { values = JSON.parse(proposal || "{}"); } catch (e) { return [product, price, contact]; }
  const now = values.new || {}, before = values.old || {};
  // The field she is typing in is never changed under her fingers.
  const typing = (name) => !!(document.activeElement && document.activeElement.closest("#field-" + name));
  const pick = (name, mine) => {
    mine = mine || "";
    if (typing(name)) return mine;
    return (!mine.trim() || mine.trim() === (before[name] || "")) ? (now[name] || "") : mine;
  };
  return [pick("product", product), pick("price", price), pick("contact", contact)];
}
"""
SHARE_JS = "() => { window.mulanShare && window.mulanShare(); }"
COPY_JS = "(text) => { window.mulanCopy && window.mulanCopy(text); }"

UNEXPECTED = "⚠️ 出了点问题，这一步没做成。你填的内容都还在，可以再点一次；还不行，请培训老师看看终端里的报错。"

FORM_PARTS = ("transcript", "product", "price", "contact", "photo", "style", "qr", "shop", "logo", "colour")
SHOP_PARTS = ("shop_name", "shop_seller", "shop_contact", "shop_style", "shop_colour")
EDIT_PARTS = ("title", "slogan", "points")


def friendly(fn):
    """Any failure we did not foresee reaches the page as a plain Chinese message, and no
    field on the page changes. The traceback goes to the terminal for the trainer."""

    def fail(exc: Exception):
        traceback.print_exception(exc)
        if is_storage_full(exc):  # a full disk anywhere (Gradio's cache, a video's work folder)
            raise gr.Error(StorageFullError().zh, title="存储空间满了", print_exception=False) from exc
        raise gr.Error(UNEXPECTED, title="出错了", print_exception=False) from exc

    if inspect.isgeneratorfunction(fn):  # Gradio streams only from a generator function

        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                fail(exc)

        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            fail(exc)

    return call


class Wiring:
    """The page's parts by name, and events wired to handlers that speak in those names."""

    def __init__(self):
        self.parts: dict[str, Any] = {}

    def add(self, name: str, component):
        self.parts[name] = component
        return component

    def _components(self, names: list[str]) -> list:
        found = []
        for name in names:
            group = {"form": (*FORM_PARTS, "photo_preview"), "edits": EDIT_PARTS, "shop_form": SHOP_PARTS}.get(
                name, (name,)
            )
            found.extend(self.parts[part] for part in group)
        return list(dict.fromkeys(found))

    def _read(self, names: list[str], data: dict) -> dict:
        values = {}
        for name in names:
            if name == "form":
                values["form"] = Form(
                    **{p: data[self.parts[p]] or "" for p in FORM_PARTS if p not in ("photo", "logo")},
                    photo=data[self.parts["photo"]] or None,
                    logo=data[self.parts["logo"]] or None,
                )
            elif name == "edits":
                values["edits"] = Edits(*(data[self.parts[p]] or "" for p in EDIT_PARTS))
            elif name == "shop_form":
                values["shop_form"] = ShopForm(*(data[self.parts[p]] or "" for p in SHOP_PARTS))
            else:
                values[name] = data[self.parts[name]]
        return values

    def shown(self, updates: dict) -> dict:
        """Named updates from a handler as Gradio updates."""
        out = {}
        for name, value in updates.items():
            if name == "form":
                out.update({self.parts[p]: getattr(value, p) for p in FORM_PARTS})
                out[self.parts["photo_preview"]] = handlers.photo_thumbnail(value.photo)
            elif name == "step":
                out[self.parts["steps"]] = gr.Tabs(selected=value)
            elif name in ("gallery", "downloads", "video", "video_files", "class_files", "fix_check", "fix_title"):
                # shown once there is something (a fix button's value is its label)
                out[self.parts[name]] = gr.update(value=value, visible=bool(value))
            elif name == "confirm":
                out[self.parts["confirm"]] = gr.update(visible=value)
            elif name == "history":
                selected = {"value": updates["history_selected"]} if "history_selected" in updates else {}
                out[self.parts["history"]] = gr.update(choices=value, **selected)
            elif name != "history_selected":
                out[self.parts[name]] = value
        return out

    def bind(self, fn: Callable, inputs: list[str], outputs: list[str]) -> tuple:
        """(function, inputs, outputs) for a Gradio event or a chained ``.then``/``.success``
        step: ``fn(**named inputs)`` returns (or yields) named updates."""
        components = self._components(inputs)
        output_components = self._components(outputs)
        # A handler's parameters are the parts' names: a mismatch fails here, when the page
        # is built, not when a seller taps the button.
        inspect.signature(fn).bind(
            **{name: None for name in inputs},
            **({"progress": None} if "progress" in inspect.signature(fn).parameters else {}),
        )

        def named(data: dict, **extra):
            return fn(**self._read(inputs, data), **extra)

        # Gradio hands a progress tracker only to a function that declares one, and streams
        # only from a generator function: so four shapes.
        if "progress" not in inspect.signature(fn).parameters:
            if inspect.isgeneratorfunction(fn):

                def run(data: dict):
                    for updates in named(data):
                        yield self.shown(updates)
            else:

                def run(data: dict):
                    return self.shown(named(data))
        elif inspect.isgeneratorfunction(fn):

            def run(data: dict, progress=gr.Progress()):
                for updates in named(data, progress=lambda f, message: progress(f, desc=message)):
                    yield self.shown(updates)
        else:

            def run(data: dict, progress=gr.Progress()):
                return self.shown(named(data, progress=lambda f, message: progress(f, desc=message)))

        return friendly(run), set(components) if components else None, output_components

    def on(self, event, fn: Callable, inputs: list[str], outputs: list[str], **options):
        """Wire ``event`` to ``fn(**named inputs)``; ``fn`` returns (or yields) named updates."""
        return event(*self.bind(fn, inputs, outputs), **options)


def code_picker(add, name: str, label: str, elem_id: str | None = None) -> None:
    """Her code's picture beside the code as the poster will print it (``<name>_image``, ``<name>_preview``)."""
    with gr.Row(equal_height=True):
        add(f"{name}_image", gr.File(label=label, file_types=["image"], type="filepath", elem_id=elem_id))
        add(f"{name}_preview", gr.Image(label="海报上印的码", interactive=False, height=160, buttons=[]))


def build_ui(pipeline: Pipeline, store: Store, private_history: bool = False) -> gr.Blocks:
    """``private_history``: each browser sees only its own 历史 (a classroom server);
    otherwise everyone at this computer sees all of it."""
    page = Wiring()
    add = page.add

    def mine(shelf_id):
        # The id comes from the browser: a forged or empty one gets a fresh, empty shelf.
        return store.view(shelf_id_or_new(shelf_id)) if private_history else store

    # Gradio's copies of uploads and shown files go after UPLOADS_KEPT_S (every 30 min), not
    # never: 20 of 20 uploads were still there after 45 minutes. An entry keeps its own copies.
    with gr.Blocks(title="木兰 · 卖货文案和海报", delete_cache=(1800, UPLOADS_KEPT_S)) as demo:
        add("work", gr.State(Work()))
        # This browser's shelf of the history, kept in its localStorage across reloads and restarts.
        add("shelf", gr.BrowserState("", storage_key="mulan-shelf", secret=shelf_secret(store.root)))
        gr.Markdown("# 🌾 木兰：说一说，就有卖货文案和海报")
        add("status", gr.Markdown(handlers.model_status(pipeline)))
        add("timer", gr.Timer(2.0))
        with gr.Row(elem_id="voice-bar", equal_height=True):
            gr.HTML(VOICE_PLAYER, padding=False)
            add("voice_speed", gr.Radio(list(handlers.SPEEDS), value="正常", label="🔊 朗读", min_width=160, scale=0))
        add("voice_msg", gr.Markdown())
        add("voice_stream", gr.Textbox(elem_classes="mulan-hidden", show_label=False, container=False))
        add("voice_request", gr.Textbox(elem_classes="mulan-hidden", show_label=False, container=False))

        with add("steps", gr.Tabs(selected=SPEAK, elem_id="steps", overflow_behavior="wrap")):
            with gr.Tab("① 说一说", id=SPEAK):
                add(
                    "audio",
                    gr.Audio(
                        sources=["microphone", "upload"],
                        type="filepath",
                        label="🎤 点这里录音，或上传语音",
                        elem_id="voice",
                        buttons=NO_SHARING,
                    ),
                )
                with gr.Row():
                    add("language", gr.Radio(list(handlers.LANGUAGES), value="普通话", label="说的是", scale=2))
                    add(
                        "hotwords",
                        gr.Textbox(label="容易听错的词（可不填）", placeholder="例如：杏子，张家村", scale=2),
                    )
                listen_btn = gr.Button("📝 变成文字", variant="primary", elem_classes="big-btn")
                add("listen_msg", gr.Markdown())
                type_btn = gr.Button("⌨️ 不想说话？直接打字 ➡️")

            with gr.Tab("② 看一看", id=CHECK):
                add("heard_msg", gr.Markdown())
                add("transcript", gr.Textbox(label="你说的话（有错字可以直接改）", lines=4))
                say_transcript = gr.Button("🔊 听听我说的", elem_classes="say-btn")
                with gr.Row():
                    add("product", gr.Textbox(label="卖什么", placeholder="例如：杏子", elem_id="field-product"))
                    add("price", gr.Textbox(label="价格", placeholder="例如：15元/斤", elem_id="field-price"))
                    add(
                        "contact",
                        gr.Textbox(label="微信号或电话", placeholder="会印在海报上", elem_id="field-contact"),
                    )
                add("fields_msg", gr.Markdown())
                add("proposed", gr.State(handlers.Proposal()))
                add("proposal", gr.Textbox(elem_classes="mulan-hidden", show_label=False, container=False))
                code_picker(
                    add, "qr", "📱 我的二维码（可以不放）：微信「我 → 二维码名片」截图，或收款码照片", "qr-image"
                )
                add("qr_msg", gr.Markdown())
                add("qr", gr.Textbox(elem_classes="mulan-hidden", show_label=False, container=False))
                add("shop", gr.Textbox(label="店名（可以不填）", placeholder="例如：张家果园"))
                add("logo", gr.State(None))  # from 我的店; server-side, so no browser can name a file
                add("colour", gr.State(""))
                # A plain file, opened by Mulan itself: gr.Image decodes it in Gradio first, where a
                # HEIC or a broken file became a dead preview with no message.
                with gr.Row(equal_height=True):
                    add(
                        "photo_upload",
                        gr.File(
                            label="📷 商品照片（可以不放）：拍一张，或从相册选",
                            file_types=PHOTO_TYPES,
                            type="filepath",
                            elem_id="photo-upload",
                        ),
                    )
                    add(
                        "photo_preview",
                        gr.Image(
                            label="海报上用的照片", interactive=False, height=200, buttons=[], elem_id="photo-preview"
                        ),
                    )
                add("photo_msg", gr.Markdown())
                add("photo", gr.State(None))  # the path of a photo that opened; never named by the browser
                with gr.Accordion("⚙️ 写哪些、什么风格（可以不改）", open=False):
                    add(
                        "ticked",
                        gr.CheckboxGroup(
                            handlers.platform_choices(), label="写哪些（海报文字总会写）", value=handlers.ALL_PLATFORMS
                        ),
                    )
                    add("style", gr.Radio(handlers.STYLES, value=DEFAULT_STYLE, label="文案风格"))
                write_btn = gr.Button("✍️ 写文案", variant="primary", elem_classes="big-btn")
                add("check_msg", gr.Markdown())  # under the button, where a phone user is looking
                gr.Examples(
                    handlers.EXAMPLES,
                    inputs=[page.parts[p] for p in ("transcript", "product", "price", "contact")],
                    label="培训示例：点一下就填好",
                    elem_id="examples",
                )

            with gr.Tab("③ 文案", id=COPY):
                add("write_msg", gr.Markdown())
                with gr.Tabs(overflow_behavior="wrap"):
                    with gr.Tab("海报文字"):
                        add("title", gr.Textbox(label="标题（12 字以内）"))
                        add("slogan", gr.Textbox(label="口号（20 字以内）"))
                        add("points", gr.Textbox(label="卖点（一行一个）", lines=3))
                        add("hashtags", gr.Textbox(label="话题", buttons=["copy"]))
                        say_poster_text = gr.Button("🔊 听一听", elem_classes="say-btn")
                    say_posts, copy_posts = {}, {}
                    for platform in TEXT_PLATFORMS:
                        with gr.Tab(PLATFORMS[platform].label):
                            add(
                                f"post:{platform}",
                                gr.Textbox(
                                    label=PLATFORMS[platform].label,
                                    lines=6,
                                    buttons=["copy"],
                                    placeholder=handlers.EMPTY_POST_HINTS[platform],
                                ),
                            )
                            with gr.Row():
                                say_posts[platform] = gr.Button("🔊 听一听", elem_classes="say-btn")
                                copy_posts[platform] = gr.Button("📋 复制", elem_classes="say-btn")
                with gr.Row():
                    again_btn = gr.Button("🔄 换一个", elem_classes="big-btn")
                    next_btn = gr.Button("🖼️ 去做海报 ➡️", variant="primary", elem_classes="big-btn")
                with gr.Accordion("写作过程（给培训老师看）", open=False):
                    add("raw", gr.Textbox(label="模型正在写的内容", lines=6))

            with gr.Tab("④ 海报", id=POSTER) as poster_tab:
                thumbs, template_ids = handlers.template_gallery(store.root / "thumbnails")
                add("template_msg", gr.Markdown("👇 点一个喜欢的模板（不点就用推荐的）"))
                add(
                    "templates",
                    gr.Gallery(
                        value=thumbs,
                        label="模板",
                        columns=4,
                        height="auto",
                        allow_preview=False,
                        object_fit="contain",
                        elem_id="templates",
                        buttons=[],
                    ),
                )
                add(
                    "sizes",
                    gr.CheckboxGroup(handlers.size_choices(), value=handlers.DEFAULT_SIZES, label="尺寸（可以多选）"),
                )
                add("poster_check", gr.Markdown(elem_id="poster-check"))
                with gr.Row():
                    fix_check_btn = add("fix_check", gr.Button(visible=False))
                    fix_title_btn = add("fix_title", gr.Button(visible=False))
                poster_btn = gr.Button("🖼️ 做海报", variant="primary", elem_classes="big-btn")
                say_poster = gr.Button("🔊 听听海报上的字", elem_classes="say-btn")
                add("poster_msg", gr.Markdown())
                # Shown once there are posters, so the step is no longer than it needs to be.
                add(
                    "gallery",
                    gr.Gallery(
                        label="海报（点小图换着看）",
                        columns=4,
                        height="auto",
                        object_fit="contain",
                        preview=True,
                        visible=False,
                        buttons=["download", "fullscreen"],
                        elem_id="posters",
                    ),
                )
                share_btn = gr.Button("📲 保存到手机 / 发微信", variant="primary", elem_classes="big-btn")
                add(
                    "downloads",
                    gr.File(
                        label="下载海报（PNG；A4 另有打印用的 PDF）",
                        file_count="multiple",
                        visible=False,
                        elem_id="poster-files",
                    ),
                )

            with gr.Tab("🎬 视频", id=VIDEO) as video_tab:
                gr.Markdown("用你的照片和声音做一个竖屏短视频（抖音、快手、视频号），再做一个方的发朋友圈。")
                add("video_voice", gr.Radio(list(handlers.VOICE_CHOICES), value="木兰读口播稿", label="配音"))
                with gr.Accordion("📷 更多照片、🎵 配乐（可以不放）", open=False):
                    add(
                        "more_photos",
                        gr.File(
                            elem_id="more-photos",
                            label="更多照片（最多 9 张）",
                            file_count="multiple",
                            file_types=["image"],
                            type="filepath",
                        ),
                    )
                    add("music", gr.File(label="配乐（你自己的 mp3、m4a、wav）", file_types=["audio"], type="filepath"))
                video_btn = gr.Button("🎬 做短视频", variant="primary", elem_classes="big-btn")
                add("video_msg", gr.Markdown())
                add(
                    "video",
                    gr.Video(
                        label="短视频（竖屏）", visible=False, height=480, elem_id="video-preview", buttons=["download"]
                    ),
                )
                add(
                    "video_files",
                    gr.File(label="下载视频（竖屏、方形、字幕、封面）", file_count="multiple", visible=False),
                )

            with gr.Tab("📚 历史", id=HISTORY):
                add("history", gr.Dropdown(label="以前做过的（最新的在上面）", choices=[]))
                with gr.Row():
                    open_btn = gr.Button("📂 打开", elem_classes="big-btn")
                    delete_btn = gr.Button("🗑️ 删除", elem_classes="big-btn")
                with add("confirm", gr.Row(visible=False)):
                    gr.Markdown("删除以后找不回来。确定要删除吗？")
                    confirm_btn = gr.Button("确定删除", variant="stop")
                    cancel_btn = gr.Button("不删了")
                add("history_msg", gr.Markdown())

            with gr.Tab("🧑‍🏫 全班一起做", id=CLASS):
                gr.Markdown(
                    "培训老师用：一张表格，一行一个商品（标题写「卖什么、价格、描述、联系方式、照片」），"
                    "再放上照片（或者照片的压缩包），一次做出全班的文案和海报。"
                )
                add(
                    "class_table",
                    gr.File(
                        label="📄 表格（Excel/WPS 另存为 CSV）", file_types=[".csv", ".txt", ".tsv"], type="filepath"
                    ),
                )
                add(
                    "class_rows",
                    gr.Textbox(
                        label="或者：从 Excel 里复制几行，粘贴到这里（第一行是标题）",
                        lines=4,
                        placeholder="卖什么\t价格\t描述\t联系方式\t照片",
                    ),
                )
                add(
                    "class_photos",
                    gr.File(
                        label="📷 照片（可以多选，也可以放一个 zip 压缩包）",
                        file_count="multiple",
                        file_types=["image", ".zip"],
                        type="filepath",
                    ),
                )
                class_btn = gr.Button("🧑‍🏫 开始做", variant="primary", elem_classes="big-btn")
                add("class_msg", gr.Markdown())
                add("class_files", gr.File(label="下载", file_count="multiple", visible=False))

            with gr.Tab("🏪 我的店", id=SHOP):
                gr.Markdown("填一次就记住：以后每次做海报，店名、微信、二维码、标志和颜色都会自动用上。")
                with gr.Row():
                    add("shop_name", gr.Textbox(label="店名或者农场名", placeholder="例如：张家果园"))
                    add("shop_seller", gr.Textbox(label="你的名字（可以不填）", placeholder="例如：王阿姨"))
                add("shop_contact", gr.Textbox(label="微信号或电话", placeholder="会印在海报上"))
                code_picker(add, "shop_qr", "📱 我的二维码（截图或照片）")
                add("shop_qr", gr.State(""))
                with gr.Row(equal_height=True):
                    add(
                        "shop_logo_image",
                        gr.File(label="🏷️ 店的标志（可以不放）", file_types=["image"], type="filepath"),
                    )
                    add("shop_logo_preview", gr.Image(label="标志", interactive=False, height=160, buttons=[]))
                add("shop_logo", gr.State(None))
                with gr.Row():
                    add("shop_style", gr.Radio(handlers.STYLES, value=DEFAULT_STYLE, label="平时用的文案风格"))
                    add("shop_colour", gr.ColorPicker(value=None, label="店的颜色（不选就用模板的）"))
                save_shop_btn = gr.Button("💾 保存我的店", variant="primary", elem_classes="big-btn")
                add("shop_msg", gr.Markdown())

        # ---------------------------------------------------------------- wiring
        copy_parts = ["raw", "work", *EDIT_PARTS, "hashtags", *(f"post:{p}" for p in TEXT_PLATFORMS), "write_msg"]
        # One queue per resource, so a quick step never waits behind a slow one: a recording is
        # not held up by someone's copy, nor a 3-second poster by a class's batch. The copy
        # model takes as many sellers at once as it serves well (one, in this process).
        speech = dict(concurrency_id="speech", concurrency_limit=1)
        model = dict(concurrency_id="model", concurrency_limit=pipeline.sellers_at_once)
        posters = dict(concurrency_id="posters", concurrency_limit=1)

        @friendly
        def on_tick():
            # Stops asking once the models are ready: 30 phones polling forever would cost the CPU.
            return handlers.model_status(pipeline), gr.Timer(active=not all(pipeline.ready.values()))

        page.parts["timer"].tick(on_tick, outputs=[page.parts["status"], page.parts["timer"]])
        page.on(
            listen_btn.click,
            functools.partial(handlers.listen, pipeline),
            ["audio", "language", "hotwords", "work"],
            ["transcript", "listen_msg", "heard_msg", "steps", "work"],
            **speech,
        )
        type_btn.click(lambda: gr.Tabs(selected=CHECK), None, page.parts["steps"])
        # ② fills 卖什么, 价格 and 联系方式 from her words as they arrive or as she corrects them;
        # cheap (no model), so no queue: a class typing at once is not held up.
        page.on(
            page.parts["transcript"].change,
            handlers.propose_fields,
            ["transcript", "proposed"],
            ["proposed", "proposal", "fields_msg"],
            trigger_mode="always_last",
            concurrency_limit=None,
            show_progress="hidden",
        )
        proposal_fields = [page.parts[p] for p in ("product", "price", "contact")]
        page.parts["proposal"].change(
            None, [page.parts["proposal"], *proposal_fields], proposal_fields, js=APPLY_PROPOSAL_JS
        )
        page.on(page.parts["qr_image"].change, handlers.read_code, ["qr_image", "form"], ["qr", "qr_msg", "qr_preview"])
        # upload and clear, not change: the page setting the picker back must not drop her photo.
        photo_parts = ["photo", "photo_preview", "photo_msg"]
        page.on(page.parts["photo_upload"].upload, handlers.take_photo, ["photo_upload", "form"], photo_parts)
        page.on(page.parts["photo_upload"].clear, handlers.take_photo, ["photo_upload", "form"], photo_parts)

        def stop_if_said(problem):
            # Ends the chain quietly: the problem is already shown on ② in plain words.
            if problem:
                raise gr.Error(problem, visible=False, print_exception=False)

        # The copy is written as a job of her shelf's: a reload or a dropped phone does not stop
        # it, it lands in her 历史, and the page that comes back follows it again (resume).
        jobs = Jobs()

        def write(work, form, ticked, shelf):
            shelf = shelf_id_or_new(shelf)
            yield from handlers.write_and_file(jobs, shelf, pipeline, mine(shelf), work, form, ticked)

        writing = (write, ["work", "form", "ticked", "shelf"], [*copy_parts, "history"])
        page.on(
            write_btn.click, handlers.start_writing, ["form", "shelf", "work"], ["check_msg", "work", "steps", "shelf"]
        ).then(stop_if_said, page.parts["check_msg"], None).success(*page.bind(*writing), **model).success(
            *page.bind(handlers.suggestion, ["form", "work"], ["template_msg"])
        )
        page.on(again_btn.click, handlers.write_again, ["work"], ["work"]).then(*page.bind(*writing), **model)

        # ④ shows every template with the seller's own copy and photo, whenever she comes to it.
        next_btn.click(lambda: gr.Tabs(selected=POSTER), None, page.parts["steps"])
        page.on(
            poster_tab.select,  # fires on a switch by 去做海报 or 打开 as well as on a tap
            lambda work, form, edits: handlers.template_previews(pipeline, work, form, edits),
            ["work", "form", "edits"],
            ["templates"],
            concurrency_id="previews",
        )

        doubts = ["poster_check", "fix_check", "fix_title"]
        page.on(
            poster_tab.select,
            handlers.poster_doubts,
            ["work", "form", "edits"],
            doubts,
            concurrency_limit=None,
            show_progress="hidden",
        )
        fix_check_btn.click(lambda: gr.Tabs(selected=CHECK), None, page.parts["steps"])
        page.on(fix_title_btn.click, handlers.use_safe_title, ["work", "form", "edits"], ["title", *doubts])

        def pick(work, evt: gr.SelectData):
            return page.shown(handlers.pick_template(work, template_ids[evt.index], thumbs[evt.index][1]))

        page.parts["templates"].select(
            friendly(pick), page.parts["work"], [page.parts["work"], page.parts["template_msg"]]
        )

        def make_posters(work, form, edits, sizes, shelf, progress):
            shelf = shelf_id_or_new(shelf)
            yield from handlers.in_background(
                jobs,
                shelf,
                "posters",
                form,
                lambda: handlers.render_posters(pipeline, mine(shelf), work, form, edits, sizes, progress),
            )

        page.on(
            poster_btn.click,
            make_posters,
            ["work", "form", "edits", "sizes", "shelf"],
            ["gallery", "downloads", "poster_msg", "work", "history"],
            **posters,
        )

        whole_page = [
            "work",
            "form",
            "qr_preview",
            *copy_parts[2:],
            "gallery",
            "downloads",
            "video",
            "video_files",
            "history_msg",
            "steps",
        ]
        page.on(
            open_btn.click,
            lambda history, shelf: handlers.open_entry(mine(shelf), history),
            ["history", "shelf"],
            whole_page,
        )
        delete_btn.click(
            lambda entry_id: gr.update(visible=bool(entry_id)), page.parts["history"], page.parts["confirm"]
        )
        cancel_btn.click(lambda: gr.update(visible=False), None, page.parts["confirm"])
        page.on(
            confirm_btn.click,
            lambda work, history, shelf: handlers.delete_entry(mine(shelf), work, history, Path(demo.GRADIO_CACHE)),
            ["work", "history", "shelf"],
            ["confirm", "history", "history_msg", "work"],
        )

        # 🎬: her own voice is offered first when Mulan has her recording.
        page.on(video_tab.select, handlers.video_voice, ["work"], ["video_voice"])

        def make_video(work, form, edits, video_voice, music, more_photos, shelf, progress):
            shelf = shelf_id_or_new(shelf)
            yield from handlers.in_background(
                jobs,
                shelf,
                "video",
                form,
                lambda: handlers.make_video(
                    pipeline, mine(shelf), work, form, edits, video_voice, music, more_photos, progress
                ),
            )

        page.on(
            video_btn.click,
            make_video,
            ["work", "form", "edits", "video_voice", "music", "more_photos", "shelf"],
            ["video", "video_files", "video_msg", "work", "history"],
            concurrency_id="render",
            concurrency_limit=1,
        )

        # 🔊: every text she can read, she can also hear.
        voice_out = [page.parts["voice_stream"], page.parts["voice_msg"]]
        voice_in = [page.parts["voice_speed"], page.parts["voice_request"]]

        def say(text, speed, request):
            for updates in handlers.read_aloud(pipeline, text, speed, request):
                yield page.shown(updates)

        def say_poster_words(title, slogan, points, speed, request):
            yield from say(handlers.poster_words(Edits(title, slogan, points)), speed, request)

        voice = dict(js=VOICE_TAP_JS, concurrency_id="voice", concurrency_limit=2, show_progress="hidden")
        say_transcript.click(friendly(say), [page.parts["transcript"], *voice_in], voice_out, **voice)
        for platform, button in say_posts.items():
            button.click(friendly(say), [page.parts[f"post:{platform}"], *voice_in], voice_out, **voice)
        edit_boxes = [page.parts[p] for p in EDIT_PARTS]
        for button in (say_poster_text, say_poster):
            button.click(friendly(say_poster_words), [*edit_boxes, *voice_in], voice_out, **voice)
        page.parts["voice_stream"].change(None, page.parts["voice_stream"], None, js=VOICE_CHUNK_JS)

        # 📲 and 📋 run in her browser only: the files and texts are already on the page.
        share_btn.click(None, None, None, js=SHARE_JS)
        for platform, button in copy_posts.items():
            button.click(None, page.parts[f"post:{platform}"], None, js=COPY_JS)

        def on_load(shelf):
            # A first visit gets its shelf; a page opened later, or reloaded, lists what was saved
            # since, and ② starts from 我的店.
            shelf = shelf_id_or_new(shelf)
            profile = mine(shelf).load_profile()
            return {
                "shelf": shelf,
                "history": handlers.history_choices(mine(shelf)),
                **handlers.shop_fields(profile),
                **handlers.start_from_profile(profile, Form()),
            }

        shop_parts = [*SHOP_PARTS, "shop_qr", "shop_qr_preview", "shop_logo", "shop_logo_preview"]
        # Following a job only waits on it: no limit, or one phone's long resume would hold up
        # every other page's load.
        resumed = ["form", "steps", *copy_parts, "history", "gallery", "downloads", "poster_msg"]
        resumed += ["video", "video_files", "video_msg"]
        resume = page.bind(functools.partial(handlers.resume, jobs), ["shelf"], resumed)
        page.on(demo.load, on_load, ["shelf"], ["shelf", "history", *shop_parts, "form", "qr_preview"]).then(
            *resume, concurrency_limit=None, show_progress="hidden"
        )
        page.on(
            page.parts["shop_qr_image"].change,
            handlers.read_shop_code_for_profile,
            ["shop_qr_image", "shop_qr"],
            ["shop_qr", "shop_msg", "shop_qr_preview"],
        )
        page.on(
            page.parts["shop_logo_image"].change,
            handlers.take_logo,
            ["shop_logo_image"],
            ["shop_logo", "shop_logo_preview", "shop_msg"],
        )

        def make_class(class_table, class_rows, class_photos, shelf, progress):
            return handlers.make_class_batch(pipeline, mine(shelf), class_table, class_rows, class_photos, progress)

        page.on(
            class_btn.click,
            make_class,
            ["class_table", "class_rows", "class_photos", "shelf"],
            ["class_msg", "class_files"],
            # A batch is many sellers' copy and posters: one at a time, so a second trainer's
            # batch waits in line (and says so) instead of halving both; the model's turns still
            # let single sellers' poster texts in between.
            concurrency_id="class",
            concurrency_limit=1,
        )

        def save_shop(shop_form, shop_qr, shop_logo, form, shelf):
            return handlers.save_shop(mine(shelf), shop_form, shop_qr, shop_logo, form)

        page.on(
            save_shop_btn.click,
            save_shop,
            ["shop_form", "shop_qr", "shop_logo", "form", "shelf"],
            [*shop_parts, "shop_msg", "form", "qr_preview"],
        )
    return demo
