"""Redis as a cache that a Redis outage cannot turn into errors.

Sessions (``cached_db``), the unread counters, rate limits and page fragments read the cache on almost every
request. With Django's plain ``RedisCache`` a stopped Redis makes each of those reads raise, so every signed-in
page answers 500 although PostgreSQL, which holds everything that matters, is fine. Here a read during an
outage is a miss, a write is dropped, and ``incr``/``decr`` say the key is not cached (``ValueError``, which
callers already handle). Sessions then come from PostgreSQL, counts are read afresh, and rate limits let
requests through. Each outage is logged once a minute, not once a call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.cache")

OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
#: Seconds between two log lines about the same outage.
LOG_EVERY = 60


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # A stopped Redis must cost a request milliseconds, not the default minutes of retrying.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, params)
        self._logged_at = 0.0

    def _outage(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - self._logged_at >= LOG_EVERY:
            self._logged_at = now
            logger.warning("cache unavailable, %s skipped: %s", operation, error)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except OUTAGE as error:
            self._outage("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except OUTAGE as error:
            self._outage("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except OUTAGE as error:
            self._outage("has_key", error)
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except OUTAGE as error:
            self._outage("add", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except OUTAGE as error:
            self._outage("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except OUTAGE as error:
            self._outage("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except OUTAGE as error:
            self._outage("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except OUTAGE as error:
            self._outage("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except OUTAGE as error:
            self._outage("delete_many", error)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except OUTAGE as error:
            self._outage("incr", error)
            raise ValueError(f"Key '{key}' not found: the cache is unavailable") from error

    def clear(self):
        try:
            return super().clear()
        except OUTAGE as error:
            self._outage("clear", error)
            return False
