"""Fixed-window attempt counters shared by every worker and every app machine.

Used for failed logins (per account and per address), join codes and the public
certificate verification page. A window starts at the first hit and lasts
`window` seconds; when it has passed, counting starts again.

The counters live in the database by default (nothing more to run). With
`use_redis(url)` (config THROTTLE_STORAGE=redis://…) they live in Redis instead,
which takes the write load off the database on a large deployment. Never in
process memory: with several workers that would multiply every limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from course.models import Throttle, utcnow
from course.platform.db import insert_ignore

_redis: Any = None


def use_redis(url: str | None) -> None:
    """Keep counters in Redis at `url` (None: back to the database)."""
    global _redis
    if url is None:
        _redis = None
        return
    import redis

    _redis = redis.Redis.from_url(url, socket_timeout=2)


def _redis_key(key: str) -> str:
    return f"academy:throttle:{key}"


def is_blocked(session: Session, key: str, limit: int, window: int, now: datetime | None = None) -> bool:
    """True when `key` has reached `limit` hits inside the current window."""
    if _redis is not None:
        return int(_redis.get(_redis_key(key)) or 0) >= limit
    now = now or utcnow()
    row = session.get(Throttle, key)
    return row is not None and row.window_start > now - timedelta(seconds=window) and row.hits >= limit


def record(session: Session, key: str, window: int, now: datetime | None = None) -> int:
    """Count one hit for `key` and return the hits in the current window."""
    if _redis is not None:
        name = _redis_key(key)
        pipe = _redis.pipeline()
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incr(name)
        return int(pipe.execute()[1])
    now = now or utcnow()
    insert_ignore(session, Throttle.__table__, {"key": key, "window_start": now, "hits": 0})
    expired = now - timedelta(seconds=window)
    session.execute(
        update(Throttle)
        .where(Throttle.key == key, Throttle.window_start <= expired)
        .values(window_start=now, hits=0)
    )
    session.execute(update(Throttle).where(Throttle.key == key).values(hits=Throttle.hits + 1))
    return session.scalar(select(Throttle.hits).where(Throttle.key == key)) or 0


def hit(session: Session, key: str, limit: int, window: int, now: datetime | None = None) -> bool:
    """Count a hit and say whether it is still allowed (at most `limit` per window)."""
    return record(session, key, window, now) <= limit


def clear(session: Session, key: str) -> None:
    if _redis is not None:
        _redis.delete(_redis_key(key))
        return
    row = session.get(Throttle, key)
    if row is not None:
        session.delete(row)
