"""A Redis cache that fails soft: Redis down (it is also the broker) makes every call a miss, never a failed page.

Connections time out after a quarter of a second (``OPTIONS`` may say otherwise) and, after a failure, Redis is left
alone for ``RETRY_AFTER_SECONDS`` so a page making several cache calls pays the timeout once.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FAILURES = (RedisError, OSError)


class ResilientRedisCache(RedisCache):
    RETRY_AFTER_SECONDS = 5.0

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**params.get("OPTIONS", {})}}
        options = params["OPTIONS"]
        self.retry_after = float(options.pop("retry_after", self.RETRY_AFTER_SECONDS))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.25)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, name, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except FAILURES as exc:
            with self._lock:
                first = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + self.retry_after
            if first:
                logger.warning(
                    "cache: Redis unavailable (%s); treating calls as misses for %.0f s", exc, self.retry_after
                )
            return fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing could be added: whoever asks whether they were first must assume they were not.
        return self._call("add", False, key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found")  # what a miss means to incr
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version=version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
