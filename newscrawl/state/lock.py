"""One run at a time per state: a file lock beside the SQLite file, a lease key in Redis.

Two runs on one state (a cron overlap) would both read "not delivered" and both deliver, or commit each
other's half-written work. The second run therefore stops before it fetches anything, with one line and
exit code 3 (``newscrawl.outcome.LOCKED``). The lock is held by the process for the whole run and freed
when it ends, however it ends (the kernel drops a ``flock`` with its process; a Redis lease is deleted
when its run ends, or expires ``LEASE_SECONDS`` after its last renewal). Workers of one distributed run
(same ``NEWSCRAWL_RUN_ID``) share the Redis lease: they are one run.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

from newscrawl.state.store import DEFAULT_PATH, redacted_url, state_disabled

LOCK_KEY_PREFIX = "newscrawl:lock:"
LEASE_SECONDS = 60

#: Locks this process holds, by what they lock: a second ``hold`` (the crawl command, then the state
#: extension) gets the same lock instead of deadlocking on itself.
_HELD: dict[str, object] = {}


class StateLocked(RuntimeError):
    """Another run holds the state; the message names it."""


class FileLock:
    def __init__(self, state_path: Path):
        self.path = state_path.with_name(state_path.name + ".lock")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self._fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(self._fd)
            raise StateLocked(f"another run holds the state {state_path.resolve()} ({holder}); this run stops "
                              "without crawling") from None
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"pid {os.getpid()} on {socket.gethostname()}".encode(), 0)

    def renew(self) -> None:
        """Nothing to renew: the kernel holds a flock until the process ends."""

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1


class RedisLease:
    def __init__(self, client, key: str, owner: str, url: str):
        self.client, self.key, self.owner = client, key, owner
        if not client.set(key, owner, nx=True, ex=LEASE_SECONDS):
            holder = client.get(key)
            holder = holder.decode("utf-8", "replace") if isinstance(holder, bytes) else holder
            if holder is not None and holder != owner:
                raise StateLocked(f"another run ({holder}) holds the state in {redacted_url(url)}; this run stops "
                                  "without crawling (its lease expires "
                                  f"{LEASE_SECONDS} s after that run stops)")
            client.set(key, owner, ex=LEASE_SECONDS)  # our own run (another worker of it), or it just expired

    def renew(self) -> None:
        holder = self.client.get(self.key)
        if holder in (None, self.owner.encode()):
            self.client.set(self.key, self.owner, ex=LEASE_SECONDS)

    RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

    def release(self) -> None:
        """Delete the lease if it is still ours. Another worker of the same run still at work sets it again
        at its next renewal; a worker that died leaves it to expire."""
        try:
            self.client.eval(self.RELEASE, 1, self.key, self.owner)
        except Exception:  # unreachable Redis: the lease expires on its own
            pass


def hold(settings, namespace: str):
    """The run lock for this state, taken now (or already held by this process); None without state.
    Raises :class:`StateLocked`."""
    path = str(settings.get("NEWSCRAWL_STATE") or "")
    if state_disabled(path):
        return None
    redis_url = settings.get("REDIS_URL")
    ident = f"redis:{redis_url}:{namespace}" if redis_url else f"file:{Path(path or DEFAULT_PATH).resolve()}"
    if ident in _HELD:
        return _HELD[ident]
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=10)
        run_id = str(settings.get("NEWSCRAWL_RUN_ID") or "newscrawl")
        lock = RedisLease(client, f"{LOCK_KEY_PREFIX}{namespace}", run_id, redis_url)
    else:
        lock = FileLock(Path(path or DEFAULT_PATH))
    _HELD[ident] = lock
    return lock


def release(lock) -> None:
    """Free ``lock`` (from :func:`hold`) at the end of a run."""
    for ident, held in list(_HELD.items()):
        if held is lock:
            del _HELD[ident]
    lock.release()


def release_all() -> None:
    for lock in _HELD.values():
        lock.release()
    _HELD.clear()

