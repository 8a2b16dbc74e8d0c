"""A small thread-safe LRU for per-process caches whose keys carry a version token."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models


class LRU:
    """At most `size` entries; the least recently used goes first. Values must be treated as read-only."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The cached value for `key`, or `load()` (called outside the lock) stored under it."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = load()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def keys(self) -> list:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def row_values(instance: models.Model | None) -> tuple | None:
    """A model instance's column values, to cache instead of the (mutable, stateful) instance."""
    if instance is None:
        return None
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def from_row_values(model: type[models.Model], values: tuple | None) -> models.Model | None:
    """A fresh instance from row_values, as if just read from the database (JSON values copied too)."""
    if values is None:
        return None
    values = [copy.deepcopy(value) if isinstance(value, dict | list) else value for value in values]
    return model.from_db(DEFAULT_DB_ALIAS, [field.attname for field in model._meta.concrete_fields], values)
