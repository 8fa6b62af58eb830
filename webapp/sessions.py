"""Flask's signed-cookie sessions, with the cookies already verified remembered.

A signed-in learner sends the same session cookie on every request until the
session changes. Checking it means an HMAC, zlib and tagged JSON: about a tenth
of a lesson page's work. This interface keeps, per process, the decoded contents
of cookies it has verified, keyed by the cookie's exact text; a cookie seen
before is decoded from memory, and its age is still checked against the session
lifetime. Any other cookie, including a forged or altered one, goes through the
full check, so what is accepted is exactly what Flask accepts.

Only sessions whose values are all plain scalars are remembered: each request
gets its own copy, and a list or dict (the flash messages) could otherwise be
changed in place in the memory shared by later requests.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

SCALARS = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._verified: OrderedDict[str, tuple[dict[str, Any], float]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        with self._lock:
            known = self._verified.get(value)
        if known is not None:
            data, signed_at = known
            if time.time() - signed_at <= max_age:
                return self.session_class(data)  # a copy: the remembered one is never handed out
        serializer = self.get_signing_serializer(app)
        try:
            data, timestamp = serializer.loads(value, max_age=int(max_age), return_timestamp=True)  # type: ignore[union-attr]
        except BadSignature:
            return self.session_class()
        if all(isinstance(item, SCALARS) for item in data.values()):
            with self._lock:
                self._verified[value] = (dict(data), timestamp.timestamp())
                while len(self._verified) > self.size:
                    self._verified.popitem(last=False)
        return self.session_class(data)
