"""Mulan's Gradio page. UI only: every button calls a plain function in ``assistant.actions``.

    python app.py                          # http://127.0.0.1:7860, embedded default models
    python app.py --host 0.0.0.0 --port 7860 --https   # classroom LAN: phones need https for the microphone
"""

from __future__ import annotations

import argparse
import functools
import inspect
import threading
import traceback

import assistant  # noqa: F401  (sets the offline switches before gradio is imported)
import gradio as gr

from assistant import actions
from assistant.config import Settings
from assistant.lan import ensure_certificate, lan_address, shelf_secret, terminal_qr
from assistant.pipeline import Assistant
from assistant.platforms import PLATFORMS, TEXT_PLATFORMS
from assistant.store import Store, shelf_id_or_new

# The browser records the microphone as 48 kHz WAV: 10 minutes (the speech limit) of
# stereo is 115 MB. Phone photos are under 20 MB. Anything bigger is refused.
MAX_UPLOAD = "120mb"

CSS = """
.gradio-container {max-width: 980px !important; margin: auto;}
.big-btn button, button.big-btn {font-size: 1.25rem !important; min-height: 3.2rem;}
/* The step tabs are the page's navigation: big enough for a thumb. */
#steps > .tab-wrapper button, #steps > div > .tab-container button {
  font-size: 1.1rem !important; padding: 0.6rem 0.7rem;
}
/* Phones: the template picker shows two per row and the examples table wraps its text,
   so a step never scrolls sideways at 390 px. */
@media (max-width: 640px) {
  .tab-container {flex-wrap: wrap !important; height: auto !important;}
  #templates .grid-container {grid-template-columns: repeat(2, minmax(0, 1fr)) !important;}
  #examples table {table-layout: fixed; width: 100% !important;}
  #examples td, #examples th {white-space: normal !important; word-break: break-all;}
}
"""

UNEXPECTED = "⚠️ 出了点问题，这一步没做成。你填的内容都还在，可以再点一次；还不行，请培训老师看看终端里的报错。"


def friendly(fn):
    """Any failure we did not foresee reaches the page as a plain Chinese message, and no
    field on the page changes. The traceback goes to the terminal for the trainer."""
    def fail(exc: Exception):
        traceback.print_exception(exc)
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


# The steps, as tab ids: one screen each on a phone, and the page moves on by itself.
SPEAK, CHECK, COPY, POSTER, HISTORY = "speak", "check", "copy", "poster", "history"


def build_ui(helper: Assistant, store: Store, private_history: bool = False) -> gr.Blocks:
    """``private_history``: each browser sees only its own 历史 (a classroom server);
    otherwise everyone at this computer sees all of it."""
    with gr.Blocks(title="木兰 · 卖货文案和海报") as demo:
        entry = gr.State(None)  # the history entry this page is working on
        # This browser's shelf of the history, kept in its localStorage across reloads and restarts.
        shelf = gr.BrowserState("", storage_key="mulan-shelf", secret=shelf_secret(store.root))

        def mine(shelf_id):
            # The id comes from the browser: a forged or empty one gets a fresh, empty shelf.
            return store.view(shelf_id_or_new(shelf_id)) if private_history else store
        gr.Markdown("# 🌾 木兰：说一说，就有卖货文案和海报")
        status = gr.Markdown(actions.model_status(helper))
        timer = gr.Timer(2.0)

        @friendly
        def on_tick():
            # Stops asking once the models are ready: 30 phones polling forever would cost the CPU.
            return actions.model_status(helper), gr.Timer(active=not all(helper.ready.values()))

        timer.tick(on_tick, outputs=[status, timer])

        with gr.Tabs(selected=SPEAK, elem_id="steps", overflow_behavior="wrap") as steps:
            with gr.Tab("① 说一说", id=SPEAK):
                audio = gr.Audio(sources=["microphone", "upload"], type="filepath",
                                 label="🎤 点这里录音，或上传语音", elem_id="voice")
                with gr.Row():
                    language = gr.Radio(list(actions.LANGUAGES), value="普通话", label="说的是", scale=2)
                    hotwords = gr.Textbox(label="容易听错的词（可不填）", placeholder="例如：杏子，张家村", scale=2)
                listen_btn = gr.Button("📝 变成文字", variant="primary", elem_classes="big-btn")
                listen_msg = gr.Markdown()
                type_btn = gr.Button("⌨️ 不想说话？直接打字 ➡️")

            with gr.Tab("② 看一看", id=CHECK):
                heard_msg = gr.Markdown()
                transcript = gr.Textbox(label="你说的话（有错字可以直接改）", lines=4)
                with gr.Row():
                    product = gr.Textbox(label="卖什么", placeholder="例如：杏子")
                    price = gr.Textbox(label="价格", placeholder="例如：15元/斤")
                    contact = gr.Textbox(label="微信号或电话", placeholder="会做成二维码")
                photo = gr.Image(type="filepath", label="📷 商品照片（可以不放）", sources=["upload", "webcam"],
                                 height=200)
                with gr.Accordion("⚙️ 写哪些、什么风格（可以不改）", open=False):
                    platforms = gr.CheckboxGroup(actions.platform_choices(), label="写哪些（海报文字总会写）",
                                                 value=list(TEXT_PLATFORMS))
                    style = gr.Radio(actions.STYLES, value=actions.STYLES[0], label="文案风格")
                write_btn = gr.Button("✍️ 写文案", variant="primary", elem_classes="big-btn")
                check_msg = gr.Markdown()  # under the button, where a phone user is looking
                gr.Examples(actions.EXAMPLES, inputs=[transcript, product, price, contact],
                            label="培训示例：点一下就填好", elem_id="examples")

            with gr.Tab("③ 文案", id=COPY):
                copy_state = gr.State(None)
                regenerate = gr.State(0)
                write_msg = gr.Markdown()
                posts = {}
                with gr.Tabs(overflow_behavior="wrap"):
                    with gr.Tab("海报文字"):
                        title = gr.Textbox(label="标题（12 字以内）")
                        slogan = gr.Textbox(label="口号（20 字以内）")
                        points = gr.Textbox(label="卖点（一行一个）", lines=3)
                        hashtags = gr.Textbox(label="话题", buttons=["copy"])
                    for platform in TEXT_PLATFORMS:
                        with gr.Tab(PLATFORMS[platform].label):
                            posts[platform] = gr.Textbox(label=PLATFORMS[platform].label, lines=6, buttons=["copy"],
                                                         placeholder=actions.EMPTY_POST_HINTS[platform])
                with gr.Row():
                    again_btn = gr.Button("🔄 换一个", elem_classes="big-btn")
                    next_btn = gr.Button("🖼️ 去做海报 ➡️", variant="primary", elem_classes="big-btn")
                with gr.Accordion("写作过程（给培训老师看）", open=False):
                    raw = gr.Textbox(label="模型正在写的内容", lines=6)

            with gr.Tab("④ 海报", id=POSTER) as poster_tab:
                thumbs, template_ids = actions.template_gallery(store.root / "thumbnails")
                template = gr.State(None)  # None: the template suggested for the product
                template_msg = gr.Markdown("👇 点一个喜欢的模板（不点就用推荐的）")
                templates = gr.Gallery(value=thumbs, label="模板", columns=4, height="auto", allow_preview=False,
                                       object_fit="contain", elem_id="templates")
                sizes = gr.CheckboxGroup(actions.size_choices(), value=["moments", "story"],
                                         label="尺寸（可以多选）")
                poster_btn = gr.Button("🖼️ 做海报", variant="primary", elem_classes="big-btn")
                poster_msg = gr.Markdown()
                # Shown once there are posters, so the step is no longer than it needs to be.
                gallery = gr.Gallery(label="海报（点小图换着看）", columns=4, height="auto", object_fit="contain",
                                     preview=True, visible=False)
                downloads = gr.File(label="下载海报（PNG；A4 另有打印用的 PDF）", file_count="multiple", visible=False)

            with gr.Tab("📚 历史", id=HISTORY):
                history = gr.Dropdown(label="以前做过的（最新的在上面）", choices=[])
                with gr.Row():
                    open_btn = gr.Button("📂 打开", elem_classes="big-btn")
                    delete_btn = gr.Button("🗑️ 删除", elem_classes="big-btn")
                with gr.Row(visible=False) as confirm_row:
                    gr.Markdown("删除以后找不回来。确定要删除吗？")
                    confirm_btn = gr.Button("确定删除", variant="stop")
                    cancel_btn = gr.Button("不删了")
                history_msg = gr.Markdown()

        # ---------------------------------------------------------------- wiring
        def go(step):
            return lambda: gr.Tabs(selected=step)

        @friendly
        def on_listen(audio_path, lang, words, current, progress=gr.Progress()):
            text, message = actions.transcribe(helper, audio_path, lang, current, words,
                                               progress=lambda f, m: progress(f, desc=m))
            # Heard: on to ② to check the words, with the message there. Not heard: stay on ①.
            if message.startswith("✅"):
                return text, "", message, gr.Tabs(selected=CHECK)
            return text, message, gr.skip(), gr.skip()

        # All model work shares one queue slot: on 2 cores, two jobs at once are slower than one after another.
        cpu = dict(concurrency_id="cpu", concurrency_limit=1)
        listen_btn.click(on_listen, [audio, language, hotwords, transcript],
                         [transcript, listen_msg, heard_msg, steps], **cpu)
        type_btn.click(go(CHECK), None, steps)

        @friendly
        def on_write(text, prod, pri, cont, pic, sty, chosen, seed):
            for shown, copy_dict, message in actions.stream_copy(helper, text, prod, pri, cont, pic, sty, seed,
                                                                 chosen):
                if copy_dict is None:
                    yield shown, gr.skip(), *[gr.skip()] * (4 + len(posts)), message
                else:
                    yield shown, copy_dict, *actions.copy_fields(actions.Copy.from_dict(copy_dict)), message

        copy_outputs = [raw, copy_state, title, slogan, points, hashtags, *posts.values(), write_msg]
        copy_inputs = [transcript, product, price, contact, photo, style, platforms, regenerate]

        @friendly
        def on_start(text, prod, pri, cont, pic, shelf_id):
            # A brief that cannot be written stops here, on ②, next to what the seller typed.
            problem = actions.brief_problem(text, prod, pri, cont, pic)
            if problem:
                return problem, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            # 写文案 starts a new history entry, and the old copy is let go first, so a failed
            # write never files it again under a new entry. The shelf is settled here too, in
            # case she is quicker than the page's load event: her entry must land on her shelf.
            return "", 0, None, None, gr.Tabs(selected=COPY), shelf_id_or_new(shelf_id)

        def stop_if_said(problem):
            # Ends the chain quietly: the problem is already shown on ② in plain words.
            if problem:
                raise gr.Error(problem, visible=False, print_exception=False)

        @friendly
        def on_remember(entry_id, text, prod, pri, cont, pic, sty, copy_dict, shelf_id):
            entry_id = actions.remember_copy(mine(shelf_id), entry_id, text, prod, pri, cont, pic, sty, copy_dict)
            return entry_id, gr.update(choices=actions.history_choices(mine(shelf_id)))

        @friendly
        def on_suggest(text, prod, chosen):
            if chosen:
                return gr.skip()
            _, name = actions.suggested_template(text, prod)
            return f"👇 点一个喜欢的模板（不点就用推荐的：{name}）"

        remember = dict(fn=on_remember, outputs=[entry, history],
                        inputs=[entry, transcript, product, price, contact, photo, style, copy_state, shelf])
        write_btn.click(on_start, [transcript, product, price, contact, photo, shelf],
                        [check_msg, regenerate, entry, copy_state, steps, shelf]).then(
            stop_if_said, check_msg, None).success(
            on_write, copy_inputs, copy_outputs, **cpu).success(**remember).success(
            on_suggest, [transcript, product, template], template_msg)
        again_btn.click(lambda n: n + 1, regenerate, regenerate).then(
            on_write, copy_inputs, copy_outputs, **cpu).then(**remember)

        # ④ shows every template with the seller's own copy and photo, whenever she comes to it.
        @friendly
        def on_previews(copy_dict, t, s, p, text, prod, pri, cont, pic):
            previews = actions.template_previews(copy_dict, t, s, p, text, prod, pri, cont, pic)
            return gr.skip() if previews is None else previews

        preview = dict(fn=on_previews, inputs=[copy_state, title, slogan, points, transcript, product, price, contact,
                                               photo], outputs=templates, concurrency_id="previews")
        next_btn.click(go(POSTER), None, steps)
        poster_tab.select(**preview)  # fires on a switch by 去做海报 or 打开 as well as on a tap

        @friendly
        def on_pick(evt: gr.SelectData):
            chosen = template_ids[evt.index]
            return chosen, f"✅ 选好了：{thumbs[evt.index][1]}"

        templates.select(on_pick, None, [template, template_msg])

        @friendly
        def on_poster(entry_id, copy_dict, t, s, p, text, prod, pri, cont, pic, chosen, size_ids, shelf_id,
                      progress=gr.Progress()):
            gallery_items, files, message, entry_id = actions.render_posters(
                helper, mine(shelf_id), entry_id, copy_dict, t, s, p, text, prod, pri, cont, pic, chosen, size_ids,
                progress=lambda f, m: progress(f, desc=m))
            if not gallery_items:  # nothing made: the posters already on the page stay
                return gr.skip(), gr.skip(), message, entry_id, gr.skip()
            return (gr.update(value=gallery_items, visible=True), gr.update(value=files, visible=True), message,
                    entry_id, gr.update(choices=actions.history_choices(mine(shelf_id))))

        poster_btn.click(on_poster, [entry, copy_state, title, slogan, points, transcript, product, price, contact,
                                     photo, template, sizes, shelf],
                         [gallery, downloads, poster_msg, entry, history], **cpu)

        page = [entry, transcript, product, price, contact, photo, style, copy_state, title, slogan, points, hashtags,
                *posts.values(), gallery, downloads, history_msg, steps]

        @friendly
        def on_open(entry_id, shelf_id):
            found = actions.open_entry(mine(shelf_id), entry_id)
            if "entry_id" not in found:  # nothing to open: the page stays as it is
                return *[gr.skip()] * (len(page) - 2), found["message"], gr.skip()
            fields = found["fields"] or [gr.skip()] * (4 + len(posts))
            # Straight to what was made last: the posters if there are any, else the copy.
            step = POSTER if found["gallery"] else COPY if found["copy"] else CHECK
            return (found["entry_id"], found["transcript"], found["product"], found["price"], found["contact"],
                    found["photo"], found["style"], found["copy"], *fields,
                    gr.update(value=found["gallery"], visible=bool(found["gallery"])),
                    gr.update(value=found["files"], visible=bool(found["files"])),
                    found["message"], gr.Tabs(selected=step))

        open_btn.click(on_open, [history, shelf], page)
        delete_btn.click(lambda entry_id: gr.update(visible=bool(entry_id)), history, confirm_row)
        cancel_btn.click(lambda: gr.update(visible=False), None, confirm_row)

        @friendly
        def on_delete(entry_id, current, shelf_id):
            message = actions.delete_entry(mine(shelf_id), entry_id)
            still_here = None if current == entry_id else current
            return (gr.update(visible=False), gr.update(choices=actions.history_choices(mine(shelf_id)), value=None),
                    message, still_here)

        confirm_btn.click(on_delete, [history, entry, shelf], [confirm_row, history, history_msg, entry])

        @friendly
        def on_load(shelf_id):
            # A first visit gets its shelf; a page opened later, or reloaded, lists what was saved since.
            shelf_id = shelf_id_or_new(shelf_id)
            return shelf_id, gr.update(choices=actions.history_choices(mine(shelf_id)))

        demo.load(on_load, shelf, [shelf, history])
    return demo


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Mulan web app")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this computer only)")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--https", action="store_true",
                        help="serve https with a self-signed certificate (phones allow the microphone only on https)")
    parser.add_argument("--history", choices=["shared", "private"],
                        help="private: each browser sees only its own 历史 (default when serving the LAN); "
                             "shared: everyone sees all of it (default on 127.0.0.1)")
    parser.add_argument("--speech-model", help="your own CTranslate2 Whisper folder")
    parser.add_argument("--copy-model", help="your own .gguf file or Hugging Face folder")
    parser.add_argument("--llm-backend", choices=["auto", "llama.cpp", "transformers"])
    parser.add_argument("--no-preload", action="store_true", help="load models on first use instead of at start-up")
    args = parser.parse_args(argv)

    settings = Settings.from_env(speech_model=args.speech_model, copy_model=args.copy_model,
                                 llm_backend=args.llm_backend)
    helper = Assistant(settings)
    if not args.no_preload:
        # Load the models in the background; the page says when they are ready.
        threading.Thread(target=helper.warm_up, daemon=True, name="warm-up").start()
    loopback = args.host in ("127.0.0.1", "localhost", "::1")
    store = Store(settings.data_dir)
    # A classroom's phones must not see each other's history (names, phone numbers).
    history = args.history or ("shared" if loopback else "private")
    demo = build_ui(helper, store, private_history=history == "private")
    # One generation at a time per model on a 2-core machine; others wait in a bounded queue.
    demo.queue(default_concurrency_limit=1, max_size=32)
    # On 0.0.0.0 the app listens on every interface; phones in the class use the LAN address.
    address = "127.0.0.1" if loopback else lan_address() if args.host in ("0.0.0.0", "::") else args.host
    tls = {}
    if args.https:
        cert, key = ensure_certificate(settings.data_dir / "tls", address)
        # ssl_verify=False: Gradio checks its own URL at start-up, and the certificate is self-signed.
        tls = dict(ssl_certfile=str(cert), ssl_keyfile=str(key), ssl_verify=False)
    url = f"{'https' if args.https else 'http'}://{address}:{args.port}"
    print(f"木兰已启动 / Mulan is running: {url}"
          + ("  (只有这台电脑能打开 / this computer only)" if loopback else ""), flush=True)
    if not loopback:
        print("手机扫这个二维码打开 / scan with a phone on the same Wi-Fi:\n" + terminal_qr(url), flush=True)
        if args.https:
            print("手机会提示证书不受信任：点「高级」→「继续访问」。详见 docs/classroom.md", flush=True)
    demo.launch(server_name=args.host, server_port=args.port, share=False, max_file_size=MAX_UPLOAD,
                allowed_paths=[str(store.folder)], css=CSS, footer_links=[], show_error=False, quiet=True, **tls)


if __name__ == "__main__":
    main()
