"""Command line: ``python -m assistant make|transcribe|models``.

Bad input never shows a traceback: it prints one line, Chinese then English, and
exits with status 2. ``MULAN_DEBUG=1`` shows the traceback of unexpected errors.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from assistant.config import Settings, debug_enabled
from assistant.contracts import DEFAULT_STYLE, Brief, Profile
from assistant.errors import UserError
from assistant.files import copy_atomically
from assistant.llm import backend_names

EXIT_USER_ERROR = 2
EXIT_INTERNAL = 1


def model_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speech-model", help="your own CTranslate2 Whisper folder (overrides MULAN_SPEECH_MODEL)")
    parser.add_argument("--copy-model", help="your own .gguf file or Hugging Face folder (overrides MULAN_COPY_MODEL)")
    parser.add_argument("--llm-backend", choices=backend_names(), help="text generation back-end (default: auto)")
    parser.add_argument("--small", action="store_true", help="use the embedded 0.5B copy model (faster, weaker)")
    parser.add_argument(
        "--llm-url", help="write the copy on an OpenAI-compatible server, e.g. http://HOST:8080/v1 (MULAN_LLM_URL)"
    )
    parser.add_argument("--llm-model", help="the model name on that server (default: the first it lists)")
    parser.add_argument(
        "--llm-parallel", type=int, help="texts asked of that server at once for one seller (default 4)"
    )


def _video_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--voice",
        choices=["own", "read", "none"],
        help="voice-over: own (her recording, the default when there is one), read (Mulan reads "
        "the 口播 script), none (subtitles only)",
    )
    parser.add_argument("--music", help="a music file of yours (mp3/m4a/wav), looped or cut, under the voice")
    parser.add_argument("--more-photos", default="", help="comma-separated photo files besides --photo (up to 9)")


def settings_from(args) -> Settings:
    return Settings.from_env(
        speech_model=args.speech_model,
        copy_model=args.copy_model,
        # --llm-url on the command line is where to write: it beats a local engine named in
        # MULAN_LLM_BACKEND, as every flag beats its variable.
        llm_backend=args.llm_backend or ("auto" if args.llm_url else None),
        copy_model_size="small" if args.small else None,
        llm_url=args.llm_url,
        llm_model=args.llm_model,
        llm_parallel=args.llm_parallel,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Mulan: voice to copy and posters, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    make = sub.add_parser("make", help="voice or text in; transcript, copy.json and posters out")
    make.add_argument("audio", nargs="?", help="a recording (wav, mp3, m4a, ogg, webm, flac)")
    make.add_argument("--text", help="type the description instead of recording it")
    make.add_argument("--out", required=True, help="output folder")
    make.add_argument("--photo", help="your product photo (jpg/png)")
    make.add_argument("--price", default="", help="e.g. 15元/斤")
    make.add_argument(
        "--contact",
        default="",
        help="WeChat ID (printed as 微信号), phone number (printed, and a 扫码打电话 code) or URL (a code)",
    )
    make.add_argument(
        "--qr-image",
        help="a screenshot or photo of your own QR code (WeChat 我 → 二维码名片, a 收款码, a 抖音 code): "
        "it is read and redrawn crisp on the posters",
    )
    make.add_argument("--shop", default="", help="your shop or farm name, e.g. 张家果园")
    make.add_argument("--product", default="", help="product name, e.g. 杏子")
    make.add_argument(
        "--style", default="", help=f"朴实, 热情, 文艺 or 活泼 (default: the profile's, else {DEFAULT_STYLE})"
    )
    make.add_argument(
        "--profile",
        help="start from this saved shop profile (see 'profile set'): its contact, QR code, shop name, "
        "logo, colour and style, under what you give here",
    )
    make.add_argument(
        "--platforms",
        default="",
        help="comma-separated: poster,moments,video,xiaohongshu,shop_title,homestay "
        "(default: all a seller of this product needs)",
    )
    make.add_argument("--video", action="store_true", help="also make video.mp4, video-square.mp4 and video.srt")
    _video_flags(make)
    model_flags(make)

    remake = sub.add_parser("video", help="(re)make the short video of a folder written by 'make'")
    remake.add_argument("--entry", required=True, help="the --out folder of an earlier 'make'")
    _video_flags(remake)
    model_flags(remake)

    profile = sub.add_parser("profile", help="我的店: your shop's name, contact, QR code, logo and colour, set once")
    profile_sub = profile.add_subparsers(dest="action", required=True)
    profile_set = profile_sub.add_parser("set", help="create or change a profile (only the fields you give change)")
    profile_show = profile_sub.add_parser("show", help="print a profile (or, without --name, the list) as JSON")
    for each in (profile_set, profile_show):
        each.add_argument("--name", help="the profile's name (default 我的店, the page's own)")
    profile_set.add_argument("--shop", help="shop or farm name, e.g. 张家果园")
    profile_set.add_argument("--seller", help="your name (on the poster's tag when there is no shop name)")
    profile_set.add_argument("--contact", help="WeChat ID, phone number or URL")
    profile_set.add_argument("--qr-image", help="a screenshot or photo of your own QR code")
    profile_set.add_argument("--style", help="朴实, 热情, 文艺 or 活泼")
    profile_set.add_argument("--colour", "--color", dest="colour", help="your brand colour, #RRGGBB")
    profile_set.add_argument("--logo", help="your logo (jpg/png), shown in a circle beside the shop name")

    batch = sub.add_parser("batch", help="a whole class's products from a table: copy and posters per row, one zip")
    batch.add_argument("table", help="CSV (UTF-8 or GBK, as Excel saves it) or tab-separated rows pasted from Excel")
    batch.add_argument("--photos", help="the folder (or a zip) of the photos the table names by file name")
    batch.add_argument("--out", required=True, help="output folder: one folder per row, report.csv and 海报.zip")
    batch.add_argument("--profile", help="a saved shop profile to start every row from")
    batch.add_argument("--platforms", default="", help="comma-separated texts to write (default: all each row needs)")
    model_flags(batch)

    serve_model = sub.add_parser(
        "serve-model", help="run llama.cpp's llama-server on the copy model, for other Mulans (--llm-url)"
    )
    serve_model.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to serve the classroom's LAN")
    serve_model.add_argument("--port", type=int, default=8080)
    serve_model.add_argument("--parallel", type=int, default=4, help="requests decoded together (slots)")
    serve_model.add_argument("--llama-server", help="a llama-server binary of your own")
    model_flags(serve_model)

    transcribe = sub.add_parser("transcribe", help="speech to text, one line per file")
    transcribe.add_argument("files", nargs="+")
    transcribe.add_argument("--language", choices=["zh", "yue", "auto"], default="zh")
    transcribe.add_argument("--hotwords", default="", help="comma-separated words to favour (product, place names)")
    transcribe.add_argument("--json", action="store_true", help="print JSON with segments and timings")
    model_flags(transcribe)

    templates = sub.add_parser("templates", help="list poster templates; render them or a contact sheet")
    templates.add_argument("--sheet", help="write a contact sheet of every template to this PNG")
    templates.add_argument("--render", help="render the sample copy in every size into this folder")
    templates.add_argument("--template", default="", help="only this template id")
    templates.add_argument("--photo", help="a product photo for the renders (default: none)")

    say = sub.add_parser("say", help="read a text aloud into a WAV file (prices, phone numbers read as said)")
    say.add_argument("text", nargs="?", help="the text to read (or --stdin)")
    say.add_argument("--stdin", action="store_true", help="read the text from standard input")
    say.add_argument("--out", required=True, help="the WAV file to write")
    say.add_argument("--speed", type=float, default=1.0, help="0.7 (slower, for older listeners) to 1.3; default 1.0")

    understand = sub.add_parser("understand", help="the fields ② proposes from her words, as one JSON object")
    understand.add_argument("--text", help="what she said or typed (or --stdin)")
    understand.add_argument("--stdin", action="store_true", help="read the text from standard input")

    clear = sub.add_parser(
        "class-clear", help="end of a class day: delete every phone's history and 我的店 (this computer's own stays)"
    )
    clear.add_argument("--yes", action="store_true", help="really delete (without it, only count)")

    models = sub.add_parser("models", help="list the configured models, where they live and whether they are verified")
    models.add_argument("--assemble", action="store_true", help="assemble and verify the models in use now")
    model_flags(models)
    return parser


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cmd_make(args) -> int:
    from assistant.copywriting import PLATFORMS
    from assistant.pipeline import Pipeline

    if bool(args.audio) == bool(args.text):
        raise UserError(
            "请给一个录音文件，或者用 --text 写一段文字（二选一）。",
            "Give either an audio file or --text, not both and not neither.",
        )
    started = time.perf_counter()
    pipeline = Pipeline(settings_from(args))

    def progress(fraction: float, message: str) -> None:
        # Only on a terminal: in logs and pipes, carriage-return updates are noise.
        if sys.stderr.isatty():
            print(f"\r  {message} {fraction:4.0%}", end="\n" if fraction >= 1 else "", file=sys.stderr, flush=True)

    platforms = _platforms(args.platforms)
    profile = _store(pipeline.settings).load_profile(args.profile) if args.profile else Profile()
    if args.profile and profile.empty:
        raise UserError(
            f"没有叫「{args.profile}」的店铺资料。先用 profile set --name {args.profile} 建一个。",
            f"No profile named {args.profile!r}; create it with 'profile set'.",
        )
    brief = profile.brief(
        args.text or "",
        product=args.product,
        price=args.price,
        contact=args.contact,
        photo=args.photo,
        style=args.style,
        qr=_read_code(args.qr_image) if args.qr_image else "",
        shop=args.shop,
    )
    result = pipeline.make(Path(args.out), brief, audio=args.audio, platforms=platforms, progress=progress)
    if result.transcript is not None:
        print(f"transcript ({result.timings['transcribe_s']:.1f} s): {result.transcript.text}")
    copy = result.copy
    print(f"copy ({result.timings['copy_s']:.1f} s, {copy.generator}, {copy.source}): {copy.title}")
    for platform, text in copy.posts.items():
        print(f"  [{PLATFORMS[platform].label}, {copy.seconds[platform]:.1f} s] {' / '.join(text.split())}")
    for change in result.copy.changes:
        print(f"  · {change.explain()}")
    print(f"posters ({result.timings['posters_s']:.1f} s)")
    for path in result.files:
        print(f"  {path}")
    if args.video:
        if args.audio:  # kept with what was made, so 'video --entry' can use her voice again
            copy_atomically(Path(args.audio), Path(args.out) / f"recording{Path(args.audio).suffix.lower()}")
        _make_video(pipeline, Path(args.out), result.copy, result.brief, result.transcript, args, args.audio)
    loads = ", ".join(f"{k} {v:.1f} s" for k, v in pipeline.load_times.items())
    print(
        f"total {time.perf_counter() - started:.1f} s (model loading: {loads or 'none'}); "
        f"peak memory {_peak_rss_mb():.0f} MB"
    )
    return 0


def _store(settings: Settings):
    from assistant.store import Store

    return Store(settings.data_dir)


def cmd_profile(args) -> int:
    from dataclasses import replace

    from assistant.imaging.photo import open_photo
    from assistant.store import PROFILE

    store = _store(Settings.from_env())
    if args.action == "show" and not args.name:
        print(json.dumps(store.profile_names(), ensure_ascii=False))
        return 0
    name = args.name or PROFILE
    profile = store.load_profile(name)
    if args.action == "set":
        if args.logo:
            open_photo(args.logo)  # a logo that cannot be drawn is refused now, not on every poster
        given = {
            "shop": args.shop,
            "seller": args.seller,
            "contact": args.contact,
            "qr": _read_code(args.qr_image) if args.qr_image else None,
            "style": args.style,
            "colour": args.colour,
            "logo": str(Path(args.logo).resolve()) if args.logo else None,
        }
        profile = store.save_profile(replace(profile, **{k: v for k, v in given.items() if v is not None}), name)
        print(f"已保存「{name}」。")
    print(json.dumps({"name": name, **profile.to_dict()}, ensure_ascii=False, indent=1))
    return 0


def _platforms(value: str) -> tuple[str, ...] | None:
    from assistant.copywriting import PLATFORMS

    platforms = tuple(p.strip() for p in value.split(",") if p.strip()) or None
    unknown = [p for p in platforms or () if p not in PLATFORMS]
    if unknown:
        raise UserError(
            f"不认识的平台「{'、'.join(unknown)}」，可选：{'、'.join(PLATFORMS)}。",
            f"Unknown platform(s) {', '.join(unknown)}; choose from {', '.join(PLATFORMS)}.",
        )
    return platforms


def cmd_batch(args) -> int:
    from assistant.batch import decode_table, gather_photos, make_batch, read_rows
    from assistant.pipeline import Pipeline

    table = Path(args.table)
    if not table.is_file():
        raise UserError(f"找不到表格「{table.name}」。", f"No table at {table}.")
    rows = read_rows(decode_table(table.read_bytes()))
    platforms = _platforms(args.platforms)
    photos = Path(args.photos) if args.photos else None
    if photos is not None and photos.is_file():  # a zip of the class's photos
        import tempfile

        photos = gather_photos([photos], Path(tempfile.mkdtemp(prefix="mulan-photos-")))
    if photos is not None and not photos.is_dir():
        raise UserError(f"找不到照片文件夹「{photos}」。", f"No photo folder at {photos}.")
    pipeline = Pipeline(settings_from(args))
    profile = _store(pipeline.settings).load_profile(args.profile) if args.profile else Profile()

    def progress(done: int, total: int, result) -> None:
        outcome = "做好了" if result.made else f"没做成：{result.reason}"
        print(f"  [{done}/{total}] 第 {result.row.number} 行 {result.product or '（没有名字）'}：{outcome}", flush=True)

    made = make_batch(pipeline, rows, Path(args.out), photos, profile, platforms, progress)
    print(
        f"{made.made}/{len(made.rows)} rows made in {made.seconds:.0f} s ({made.rows_per_minute:.1f} rows/min); "
        f"peak memory {_peak_rss_mb():.0f} MB"
    )
    print(f"  {made.report}\n  {made.archive}")
    return 0 if made.made else EXIT_USER_ERROR


def cmd_serve_model(args) -> int:
    from assistant.llm.server import find_llama_server, start_llama_server
    from assistant.models import resolve_copy_model

    settings = settings_from(args)
    if settings.llm_url:
        raise UserError("serve-model 自己就是模型服务器，不要再给 --llm-url。", "serve-model takes no --llm-url.")
    model = resolve_copy_model(settings)
    if model.format != "gguf":
        raise UserError("llama-server 只能用 .gguf 模型文件。", "llama-server serves GGUF files only.")
    binary = find_llama_server(args.llama_server)
    server = start_llama_server(
        model.path, host=args.host, port=args.port, parallel=args.parallel, threads=settings.threads, binary=binary
    )
    print(f"模型服务器已启动 / model server running: {server.url}  ({model.key}, {args.parallel} slots)", flush=True)
    print(f"  其他电脑这样用 / on other machines: ./mulan.sh run --llm-url {server.url}", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        print("正在停止 / stopping", flush=True)
    finally:
        server.stop()
    return 0


def _read_code(path: str) -> str:
    """Her code's payload, said back to her, before a minute is spent on models."""
    from assistant.imaging.qrcode import read_shop_code

    code = read_shop_code(path)
    print(f"二维码：{code.kind.name}（{code.payload}）")
    return code.payload


def _make_video(pipeline, out: Path, copy, brief, transcript, args, recording) -> None:
    choice = args.voice or ("own" if recording else "read")
    script = copy.posts.get("video") or copy.posts.get("moments") or brief.transcript
    started = time.perf_counter()
    voice = pipeline.voice_over(choice, recording=recording, transcript=transcript, script=script)
    photos = [p for p in [brief.photo, *args.more_photos.split(",")] if p and p.strip()]
    videos = pipeline.make_video(copy, brief, voice, out, photos=photos, music=args.music)
    print(f"video ({time.perf_counter() - started:.1f} s, voice: {choice})")
    for made in videos:
        print(
            f"  {made.path}  {made.size[0]}×{made.size[1]}, {made.seconds:.1f} s, "
            f"{made.path.stat().st_size / 1e6:.1f} MB, encoded in {made.timings['encode_s']:.1f} s"
        )
    print(f"  {out / 'video.srt'}\n  {out / 'cover.jpg'}")


def cmd_video(args) -> int:
    from assistant.contracts import Copy, Segment, Transcript
    from assistant.pipeline import Pipeline

    out = Path(args.entry)
    try:
        brief = Brief.from_dict(json.loads((out / "brief.json").read_text(encoding="utf-8")))
        copy = Copy.from_dict(json.loads((out / "copy.json").read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise UserError(
            f"「{out}」不是 make 做出来的文件夹（缺 brief.json 或 copy.json）。",
            f"{out} is not a folder written by 'make': {exc}",
        ) from None
    transcript = None
    if (out / "transcript.json").is_file():
        data = json.loads((out / "transcript.json").read_text(encoding="utf-8"))
        transcript = Transcript(data["text"], [Segment(**s) for s in data.get("segments", [])])
    recordings = sorted(out.glob("recording.*"))
    pipeline = Pipeline(settings_from(args))
    _make_video(pipeline, out, copy, brief, transcript, args, str(recordings[0]) if recordings else None)
    return 0


def cmd_transcribe(args) -> int:
    from dataclasses import replace

    from assistant.pipeline import Pipeline
    from assistant.speech import hotwords_from

    pipeline = Pipeline(settings_from(args))
    options = replace(
        pipeline.speech_options,
        language=None if args.language == "auto" else args.language,
        hotwords=hotwords_from(args.hotwords),
    )
    status = 0
    for name in args.files:
        try:
            transcript = pipeline.transcribe(name, options=options)
        except UserError as exc:
            print(f"{name}\t错误 / error: {exc.one_line()}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        if args.json:
            print(json.dumps({"file": name, **transcript.to_dict()}, ensure_ascii=False))
        else:
            print(f"{name}\t{transcript.text}")
    return status


def cmd_templates(args) -> int:
    from assistant.imaging.photo import open_photo
    from assistant.poster.export import save
    from assistant.poster.render import Renderer
    from assistant.poster.sheet import contact_sheet, sample
    from assistant.poster.templates import get_template, list_templates

    chosen = [get_template(args.template)] if args.template else list_templates()
    photo = open_photo(args.photo) if args.photo else None
    if args.sheet:
        path = Path(args.sheet)
        path.parent.mkdir(parents=True, exist_ok=True)
        contact_sheet(chosen, {t.id: photo for t in chosen}).save(path)
        print(path)
    if args.render:
        for template in chosen:
            copy, brief = sample(template.categories[0] if template.categories else "general")
            for size_id in template.sizes:
                poster = Renderer().render(template, copy, brief, photo, size_id)
                for suffix in ("png", "pdf") if poster.size.for_print else ("png",):
                    print(save(poster, Path(args.render) / f"{template.id}-{size_id}.{suffix}"))
    if not (args.sheet or args.render):
        for template in chosen:
            print(
                f"{template.id:18s} {template.name:10s} {','.join(template.categories):28s} "
                f"{template.layout.id:8s} {','.join(template.sizes)}"
            )
    return 0


def cmd_say(args) -> int:
    import numpy as np

    from assistant.files import wav_bytes, write_atomically
    from assistant.pipeline import Pipeline

    if bool(args.text) == bool(args.stdin):
        raise UserError("请给一段要读的文字，或者用 --stdin（二选一）。", "Give either a text or --stdin, not both.")
    text = sys.stdin.read() if args.stdin else args.text
    out = Path(args.out)
    if out.suffix.lower() != ".wav":
        raise UserError("输出文件要以 .wav 结尾。", f"{out}: the output must be a .wav file.")
    pipeline = Pipeline(Settings.from_env())
    started = time.perf_counter()
    voice = pipeline.voice()
    loaded = time.perf_counter()
    pieces, first = [], None
    for speech in pipeline.speak(text, args.speed):
        first = first if first is not None else time.perf_counter() - loaded
        pieces.append(speech.samples)
        print(f"  {speech.text}", file=sys.stderr)
    spoken = time.perf_counter() - loaded
    audio = np.concatenate(pieces)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, wav_bytes(audio, voice.rate))
    seconds = len(audio) / voice.rate
    print(
        f"{out}: {seconds:.1f} s of speech; voice loaded in {loaded - started:.2f} s, first sentence in "
        f"{first:.2f} s, all in {spoken:.2f} s (RTF {spoken / seconds:.2f})"
    )
    return 0


UNDERSTOOD_FIELDS = ("product", "price", "weight", "place", "variety", "harvest", "shipping", "contact")


def cmd_understand(args) -> int:
    from assistant.language.facts import understand

    text = sys.stdin.read() if args.stdin else args.text
    if not (text or "").strip():
        raise UserError('请给一段话，比如 --text "大闸蟹，八十八一斤"。', "Give a text with --text or --stdin.")
    facts = understand(text)
    fields = {name: getattr(facts, name) for name in UNDERSTOOD_FIELDS}
    fields["reading"] = Brief(text).reading.as_dict()  # what every text is written from
    print(json.dumps(fields, ensure_ascii=False))
    return 0


def cmd_class_clear(args) -> int:
    from assistant.store import Store

    store = Store(Settings.from_env().data_dir)
    if not args.yes:
        count = store.clear_shelves(dry_run=True)
        print(
            f"手机上做的记录有 {count} 条。加 --yes 才会删除。 / {count} entries from phones; add --yes to delete them."
        )
        return 0
    removed = store.clear_shelves()
    print(
        f"已删除手机上做的 {removed} 条记录和她们的「我的店」。 / Deleted {removed} entries and the phones' profiles."
    )
    return 0


def cmd_models(args) -> int:
    from assistant import models

    settings = settings_from(args)
    if args.assemble:
        models.resolve_speech_model(settings)
        models.resolve_copy_model(settings)
        if not settings.voice_model:
            # The voice is the one part built with the network (once): if that fails, the rest
            # of Mulan must still install and run; 🔊 then says the voice is not installed.
            try:
                models.build_voice(settings, lambda fraction, message: print(message, file=sys.stderr, flush=True))
            except UserError as exc:
                print(
                    f"⚠️ 朗读声音没做成，其余功能照常；联网后运行 .venv/bin/python -m assistant models --assemble 再做。"
                    f" / the voice was not built: {exc.one_line()}",
                    file=sys.stderr,
                )
    print(f"cache folder: {settings.models_dir}")
    for row in models.status(settings):
        size = f"{row.size / 1e6:8.1f} MB" if row.size else "       ? MB"
        print(f"{row.role:7s} {row.name:40s} {row.source:16s} {size}  {row.state}\n        {row.path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {
        "make": cmd_make,
        "profile": cmd_profile,
        "batch": cmd_batch,
        "serve-model": cmd_serve_model,
        "transcribe": cmd_transcribe,
        "templates": cmd_templates,
        "video": cmd_video,
        "say": cmd_say,
        "understand": cmd_understand,
        "models": cmd_models,
        "class-clear": cmd_class_clear,
    }[args.command]
    try:
        return handler(args)
    except UserError as exc:
        print(f"错误 / error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("已取消 / cancelled", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected bug: still one readable line unless debugging
        if debug_enabled():
            raise
        print(f"程序出错了，请把这行发给技术人员 / internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
