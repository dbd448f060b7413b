"""Notifications: a hub that wakes waits the moment a hint says an operation may have finished.

A hint is only a hint: a woken wait polls the operation at once and believes the poll, never the
hint. The hub is safe to share between threads and event loops; ``publish`` may be called from
any of them (a webhook receiver, a Pub/Sub callback, a test).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterable
from types import TracebackType

import anyio
import sniffio

__all__ = ["Notifications"]


class Notifications:
    """Where hints that an operation finished are published, and where waits listen for them.

    Pass one to ``wait``, ``wait_with_backoff`` or ``wait_many`` (``notifications=``): a name
    published while they wait for it is polled at once, out of turn; the deadline and every other
    rule of the wait are unchanged. ``gemini_ops.webhooks.WebhookReceiver`` publishes the names
    of verified webhook events; ``publish`` lets any other channel do the same.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: dict[str, set[Subscription]] = {}

    def __repr__(self) -> str:
        with self._lock:
            count = len(self._listeners)
        return f"Notifications(names_waited_for={count})"

    def publish(self, name: str) -> int:
        """Say that the operation ``name`` may have changed; return how many waits were woken.

        A name nobody waits for is dropped (nothing is kept for later waits). Raises ValueError
        for a name that is not a non-empty string.
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"publish() takes an operation name, got {name!r}")
        with self._lock:
            listeners = list(self._listeners.get(name, ()))
        for listener in listeners:
            listener.notify(name)
        return len(listeners)

    def _subscribe(self, names: Iterable[str]) -> Subscription:
        """Listen for ``names`` until the returned subscription is closed."""
        subscription = Subscription(self, frozenset(names))
        with self._lock:
            for name in subscription.names:
                self._listeners.setdefault(name, set()).add(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for name in subscription.names:
                listeners = self._listeners.get(name)
                if listeners is not None:
                    listeners.discard(subscription)
                    if not listeners:
                        del self._listeners[name]


class Subscription:
    """Internal: the names one wait listens for, and the ones published since it last looked.

    The same object serves a thread (``sleep``) and a task (``asleep``): a notification that
    arrives while the wait is polling is kept, so its next sleep ends at once.
    """

    def __init__(self, hub: Notifications, names: frozenset[str]) -> None:
        self._hub = hub
        self.names = names
        self._lock = threading.Lock()
        self._pending: set[str] = set()
        self._rung = False
        self._event = threading.Event()
        self._wakers: list[Callable[[], None]] = []

    def __enter__(self) -> Subscription:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._hub._unsubscribe(self)

    def notify(self, name: str) -> None:
        """Record ``name`` and wake the sleeper, whether a thread or a task on any loop."""
        with self._lock:
            self._pending.add(name)
        self.ring()

    def ring(self, _answered: object = None) -> None:
        """Wake the sleeper without a name: a fleet wait's poll answered (a done callback)."""
        with self._lock:
            self._rung = True
            self._event.set()
            wakers = list(self._wakers)
        for wake in wakers:
            wake()

    def take(self) -> frozenset[str]:
        """The names published since the last call (and forget them)."""
        with self._lock:
            names = frozenset(self._pending)
            self._pending.clear()
            self._rung = False
            self._event.clear()
        return names

    def sleep(self, seconds: float) -> frozenset[str]:
        """Block the thread until ``seconds`` pass, a name arrives or a ring; return the names."""
        self._event.wait(seconds)
        return self.take()

    async def asleep(self, seconds: float) -> frozenset[str]:
        """Suspend the task until ``seconds`` pass, a name arrives or a ring; return the names.

        Runs on asyncio and on trio (anyio's event and timeout, woken from any thread).
        """
        woken = anyio.Event()
        call_soon = _call_soon_threadsafe()

        def wake() -> None:
            # A finished event loop raises RuntimeError (trio's RunFinishedError is one):
            # nobody is left there to wake.
            with contextlib.suppress(RuntimeError):
                call_soon(woken.set)

        with self._lock:
            self._wakers.append(wake)
            already = self._rung
        try:
            if not already:
                with anyio.move_on_after(seconds):
                    await woken.wait()
        finally:
            with self._lock:
                self._wakers.remove(wake)
        return self.take()


def _call_soon_threadsafe() -> Callable[[Callable[[], object]], object]:
    """What schedules a callback in the running event loop from any thread (asyncio or trio)."""
    if sniffio.current_async_library() == "trio":
        import trio

        return trio.lowlevel.current_trio_token().run_sync_soon
    return asyncio.get_running_loop().call_soon_threadsafe


def listen(notifications: Notifications | None, names: Iterable[str]) -> Subscription | None:
    """A subscription to ``names`` on ``notifications`` (None without a hub).

    Raises TypeError for anything but a ``Notifications`` or None.
    """
    if notifications is None:
        return None
    if not isinstance(notifications, Notifications):
        raise TypeError(
            f"notifications must be a gemini_ops.Notifications or None, "
            f"got {type(notifications).__name__}"
        )
    return notifications._subscribe(names)
