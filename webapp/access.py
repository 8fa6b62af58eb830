"""Access helpers shared by blueprints: role checks and search result pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, request
from flask_login import current_user, login_required

PAGE_SIZE = 50


def admin_required(view: Any) -> Any:
    """Log in first; then only administrators (others get 403)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def staff_required(view: Any) -> Any:
    """Log in first; then only instructors and administrators (learners get 403)."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_instructor:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class SearchPage:
    query: str
    page: int
    pages: int
    total: int
    items: Sequence[Any]


def search_page(search: Callable[[str, int, int], tuple[Sequence[Any], int]]) -> SearchPage:
    """Run `search(query, limit, offset)` for the ?q= and ?page= of this request."""
    query = request.args.get("q", "")[:200]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = search(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return SearchPage(query, page, max(1, -(-total // PAGE_SIZE)), total, items)
