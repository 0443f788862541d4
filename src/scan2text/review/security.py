"""Who may talk to the review app: the Host it is served under, and writes from its own pages only.

Three checks, because the app holds the batch's corrections and has no login:

- Host: a request must name the address or name the app is bound to. A DNS-rebinding page (an attacker's
  name that resolves to 127.0.0.1) sends its own name as Host and is refused (Starlette's
  TrustedHostMiddleware, HTTP 400).
- Origin: a state-changing request (POST, PUT, PATCH, DELETE) must carry an Origin naming this very
  host and port; browsers send it on every such request, so a form or fetch from another site is refused.
- Token: the same request must carry `X-CSRF-Token`, an HMAC of the browser's session cookie under a key
  that lives only as long as this server. Pages put it in a <meta> tag for review.js.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

SESSION_COOKIE = "s2t_session"
TOKEN_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# As they stand in a Host header: IPv6 addresses in brackets.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_SESSION_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> list[str]:
    """Host names a request may carry when the app is bound to `bind`.

    A loopback bind answers to the loopback names only. A wildcard bind (0.0.0.0, ::) answers to this
    machine's host name and the addresses it resolves to, plus `extra` (a proxy's or DNS name)."""
    names = {name.lower() for name in extra if name}
    if _is_loopback(bind):
        return sorted(names | set(LOOPBACK_NAMES))
    if bind in ("0.0.0.0", "::", ""):
        names |= set(LOOPBACK_NAMES)
        for name in {socket.gethostname(), socket.getfqdn()}:
            names.add(name.lower())
            try:
                names |= {_as_host(str(info[4][0])) for info in socket.getaddrinfo(name, None)}
            except OSError:
                continue  # a host name that does not resolve is still a valid Host header
        return sorted(names)
    return sorted(names | {_as_host(bind.strip("[]"))})


def _as_host(address: str) -> str:
    return f"[{address.lower()}]" if ":" in address else address.lower()


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """Sessions and their tokens; one key per running app, so a restart asks pages to be reloaded."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def token(self, session: str) -> str:
        return hmac.new(self._key, session.encode(), hashlib.sha256).hexdigest()

    def refusal(self, request: Request, session: str | None) -> str | None:
        """Why a state-changing request is refused, or None when it is from one of our pages."""
        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        if not origin:
            return "refused: a change must come from the review page (the request has no Origin)"
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
            return f"refused: a change from {origin} is not from this review app ({host})"
        sent = request.headers.get(TOKEN_HEADER, "")
        if session is None or not sent or not hmac.compare_digest(sent, self.token(session)):
            return "refused: the page's session token is missing or out of date; reload the page and try again"
        return None


def install(app: FastAPI, hosts: list[str]) -> Guard:
    """Add the Host, Origin and token checks to `app`; templates read `request.state.csrf_token`."""
    guard = Guard()

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        session = cookie if _SESSION_SHAPE.fullmatch(cookie) else None
        if request.method not in SAFE_METHODS:
            problem = guard.refusal(request, session)
            if problem:
                return JSONResponse({"error": problem}, status_code=403)
        fresh = session is None
        if session is None:
            session = secrets.token_urlsafe(32)
        request.state.csrf_token = guard.token(session)
        response = await call_next(request)
        if fresh:
            response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="strict", path="/")
        return response

    # Added last so it runs first: a request under a foreign Host name gets nothing, not even a session.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)
    return guard
