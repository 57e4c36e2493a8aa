"""Serving the page: on this computer by default, or to a classroom's phones over https."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from starlette.middleware import Middleware

from assistant.cli import model_flags, settings_from
from assistant.files import write_atomically
from assistant.pipeline import Pipeline
from assistant.store import Store
from assistant.ui.door import ClassDoor, new_class_code
from assistant.ui.lan import ensure_certificate, is_loopback, private_history, public_address, shelf_secret, terminal_qr
from assistant.ui.page import CSS, PAGE_JS, build_ui

# The browser records the microphone as 48 kHz WAV: 10 minutes (the speech limit) of
# stereo is 115 MB. Phone photos are under 20 MB. Anything bigger is refused.
MAX_UPLOAD = "120mb"
# Requests waiting beyond the ones being served; past this a phone is told the page is busy.
MAX_QUEUE = 32


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Mulan web app")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--https",
        action="store_true",
        help="serve https with a self-signed certificate (phones allow the microphone only on https)",
    )
    p.add_argument(
        "--history",
        choices=["shared", "private"],
        help="private: each browser sees only its own 历史 (default when serving the LAN); "
        "shared: everyone sees all of it (default on 127.0.0.1)",
    )
    p.add_argument(
        "--class-code",
        help="the code a phone needs to come in when serving the LAN (in the QR code; default: "
        "4 digits made once and kept in the data folder); 'new' makes a new one, 'none' opens the door",
    )
    model_flags(p)
    p.add_argument("--no-preload", action="store_true", help="load models on first use instead of at start-up")
    return p


def _stop(signum, frame):
    # `kill`, systemd and a terminal closing send SIGTERM, which by default ends Python without
    # its exit handlers, and would leave the app's own llama-server running. As Ctrl-C, it runs them.
    raise KeyboardInterrupt


def serve(args: argparse.Namespace) -> None:
    signal.signal(signal.SIGTERM, _stop)
    settings = settings_from(args)
    pipeline = Pipeline(settings)
    if not args.no_preload:
        # Load the models in the background; the page says when they are ready.
        threading.Thread(target=warm_up, args=(pipeline,), daemon=True, name="warm-up").start()
    store = Store(settings.data_dir)
    # A classroom's phones must not see each other's history (names, phone numbers).
    demo = build_ui(pipeline, store, private_history=private_history(args.host, args.history))
    # One generation at a time per model on a 2-core machine; others wait in a bounded queue.
    demo.queue(default_concurrency_limit=1, max_size=MAX_QUEUE)
    loopback, address = is_loopback(args.host), public_address(args.host)
    tls = {}
    if args.https:
        cert, key = ensure_certificate(settings.data_dir / "tls", address)
        # ssl_verify=False: Gradio checks its own URL at start-up, and the certificate is self-signed.
        tls = dict(ssl_certfile=str(cert), ssl_keyfile=str(key), ssl_verify=False)
    url = f"{'https' if args.https else 'http'}://{address}:{args.port}"
    door = {}
    code = None if loopback else class_code(settings.data_dir, args.class_code)
    if code:
        # Only phones that scanned the code (or typed it) come in; see docs/classroom.md.
        middleware = Middleware(ClassDoor, code=code, key=shelf_secret(store.root), secure=args.https)
        door = dict(app_kwargs={"middleware": [middleware]})
        url += f"/?class={code}"
    print(
        f"木兰已启动 / Mulan is running: {url}" + ("  (只有这台电脑能打开 / this computer only)" if loopback else ""),
        flush=True,
    )
    if code:
        print(f"课堂码 / class code: {code}（手机扫码就能进；手输地址的，页面会问这个数字）", flush=True)
    if not loopback:
        print("手机扫这个二维码打开 / scan with a phone on the same Wi-Fi:\n" + terminal_qr(url), flush=True)
        if args.https:
            print("手机会提示证书不受信任：点「高级」→「继续访问」。详见 docs/classroom.md", flush=True)
    # share=False always: nothing a seller makes may leave her machine through a share link.
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        share=False,
        max_file_size=MAX_UPLOAD,
        allowed_paths=[str(store.folder)],
        css=CSS,
        js=PAGE_JS,
        footer_links=[],
        show_error=False,
        quiet=True,
        **tls,
        **door,
    )


def warm_up(pipeline: Pipeline) -> None:
    pipeline.warm_up()
    # Which engine writes: the trainer sees whether this machine took llama-server (auto).
    print(f"文案模型已就绪 / copy model ready: {pipeline.generator().name}", flush=True)


def class_code(data_dir: Path, asked: str | None) -> str | None:
    """The class code: the one asked for, else the one kept in the data folder (so a restart
    mid-class does not send 30 phones back to the QR code), made once. ``none``: no door."""
    if asked and asked.lower() == "none":
        return None
    kept = data_dir / "class-code"
    if asked and asked.lower() != "new":
        if not asked.isdigit() or not 4 <= len(asked) <= 8:
            raise SystemExit("课堂码要写 4 到 8 位数字 / the class code must be 4 to 8 digits")
        code = asked
    elif kept.is_file() and asked is None and kept.read_text().strip().isdigit():
        return kept.read_text().strip()
    else:
        code = new_class_code()
    data_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(kept, code, private=True)
    return code
