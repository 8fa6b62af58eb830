"""gunicorn's logger, with a fast path for the access-log format in gunicorn.conf.py.

For each request gunicorn's own logger copies every request header, response
header and environ variable into a dict (so that any format may name them), then
formats the line through the logging module. Under load that was about 12% of a
worker's CPU on a lesson page. For our format (`ACCESS_FORMAT`), written to
standard output or a file, this logger writes the same line directly; for any
other format or logging set-up it leaves the work to gunicorn.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.glogging import Logger

ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


class AccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        handler = self._plain_handler()
        if handler is None:
            super().access(resp, req, environ, request_time)
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        sent = getattr(resp, "sent", None)
        milliseconds = request_time.seconds * 1000 + request_time.microseconds // 1000
        request = f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
        fields = (environ.get("REMOTE_ADDR", "-"), request, str(status), "-" if sent is None else str(sent))
        host, request, status, sent = (field.replace('"', '\\"') for field in fields)  # as gunicorn does
        line = f'{host} "{request}" {status} {sent} {milliseconds}ms\n'
        handler.acquire()
        try:
            handler.stream.write(line)
            handler.flush()
        except Exception:
            handler.handleError(logging.makeLogRecord({"msg": line}))
        finally:
            handler.release()

    def _plain_handler(self) -> logging.StreamHandler[Any] | None:
        """The one plain stream or file handler of the access log, when our format is in use."""
        if self.cfg.access_log_format != ACCESS_FORMAT or not self.access_log_enabled:
            return None
        log = self.access_log
        if len(log.handlers) != 1 or log.filters or not log.isEnabledFor(logging.INFO):
            return None
        handler = log.handlers[0]
        if type(handler) not in (logging.StreamHandler, logging.FileHandler) or handler.filters:
            return None
        return handler
