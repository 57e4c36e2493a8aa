"""The classroom's door: on the centre's Wi-Fi only phones that scanned the trainer's code
come in, and no one phone can fill the queue or the upload folder.

    phone scans https://192.168.1.20:7860/?class=4821
      └─► ClassDoor: the code is right → a cookie for the day, and a redirect to the page
          without the code (so it is not left in the address bar to be shown around)
    every later request carries the cookie; without it, a page in Chinese asks for the code

The middleware is plain ASGI, so it wraps Gradio's FastAPI app through ``app_kwargs``
without changing how Gradio launches. On 127.0.0.1 there is no door: only this computer
can reach the page.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import secrets
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

COOKIE = "mulan_class"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
QUERY = "class"


def new_class_code() -> str:
    """Four digits: quick to read aloud and to type on a phone, and in the QR code anyway."""
    return f"{secrets.randbelow(10_000):04d}"


@dataclass(frozen=True)
class DoorLimits:
    """What one phone (one address on the Wi-Fi) may do; a class of 40 never comes near these."""

    joins_per_minute: int = 60  # queue joins (写文案, 做海报, 听写 …); a loop hits this in seconds
    upload_mb_per_hour: int = 400  # a 10-minute recording is ~115 MB; photos are a few MB
    day_s: int = 12 * 3600  # how long a scanned code lets a phone in


class _Window:
    """Per-address counts over a sliding time window (a few dozen phones: a dict is enough)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.seen: dict[str, list[tuple[float, float]]] = {}
        self.lock = threading.Lock()

    def add(self, who: str, amount: float, limit: float, now: float | None = None) -> bool:
        """Count ``amount`` for ``who`` if it keeps them within ``limit``; False when it would not."""
        now = time.monotonic() if now is None else now
        with self.lock:
            recent = [(t, a) for t, a in self.seen.get(who, []) if now - t < self.seconds]
            if sum(a for _, a in recent) + amount > limit:
                self.seen[who] = recent
                return False
            recent.append((now, amount))
            self.seen[who] = recent
            return True


ASK_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>木兰 · 课堂码</title>
<style>body{{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;font-size:1.2rem}}
input,button{{font-size:1.6rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.4rem 0}}
button{{background:#d9480f;color:#fff;border:0;border-radius:.5rem}}</style></head><body>
<h2>🌸 木兰</h2><p>{message}</p>
<form method="get" action="/"><input name="class" inputmode="numeric" autocomplete="off"
placeholder="老师屏幕上的 4 位数字" aria-label="课堂码"><button type="submit">进入</button></form>
</body></html>"""
ASK = "请扫老师屏幕上的二维码进来，或者输入老师说的课堂码。"
WRONG = "课堂码不对。请再看一看老师屏幕上的数字，或者扫二维码。"
BUSY = "你点得太快了，请等一会儿再点。"
TOO_MUCH = "这部手机这一个小时传的文件太多了，请过一会儿再传。"


class ClassDoor:
    """ASGI middleware: the class code at the door, and per-phone limits inside."""

    def __init__(self, app, code: str, key: str, limits: DoorLimits = DoorLimits(), secure: bool = False):
        self.app, self.code, self.limits, self.secure = app, code, limits, secure
        # The cookie is a keyed hash of the code: a new code (a new class) shuts out the old
        # cookies, and a restart with the same code (the same class) keeps them.
        self.pass_ = hmac.new(key.encode(), f"class:{code}".encode(), hashlib.sha256).hexdigest()
        self.joins = _Window(60)
        self.uploads = _Window(3600)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        who = (scope.get("client") or ("?", 0))[0]
        if who in LOOPBACK:
            # The laptop itself: the trainer's own browser, and Gradio checking its own start.
            return await self.app(scope, receive, send)
        if not self._has_pass(scope):
            return await self._at_the_door(scope, send)
        path = scope.get("path", "")
        if path.endswith("/queue/join") and not self.joins.add(who, 1, self.limits.joins_per_minute):
            return await _reply(send, 429, BUSY, "text/plain")
        if path.endswith("/upload"):
            size = int(_header(scope, b"content-length") or 0)
            if not self.uploads.add(who, size / 1e6, self.limits.upload_mb_per_hour):
                return await _reply(send, 413, TOO_MUCH, "text/plain")
        return await self.app(scope, receive, send)

    def _has_pass(self, scope) -> bool:
        cookie = SimpleCookie()
        try:
            cookie.load((_header(scope, b"cookie") or b"").decode("latin-1"))
        except Exception:  # a malformed Cookie header is no pass, not a crash
            return False
        held = cookie.get(COOKIE)
        return held is not None and hmac.compare_digest(held.value, self.pass_)

    async def _at_the_door(self, scope, send):
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        said = query.pop(QUERY, None)
        if said is None:
            return await _reply(send, 403, ASK_PAGE.format(message=ASK))
        if not hmac.compare_digest(said.strip().encode(), self.code.encode()):
            return await _reply(send, 403, ASK_PAGE.format(message=html.escape(WRONG)))
        # In: a cookie for the day, and the page again without the code in its address.
        target = scope.get("path", "/") + (f"?{urlencode(query)}" if query else "")
        cookie = f"{COOKIE}={self.pass_}; Path=/; Max-Age={self.limits.day_s}; HttpOnly; SameSite=Lax"
        cookie += "; Secure" if self.secure else ""
        headers = [(b"location", target.encode()), (b"set-cookie", cookie.encode())]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


async def _reply(send, status: int, body: str, kind: str = "text/html") -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", f"{kind}; charset=utf-8".encode()), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
