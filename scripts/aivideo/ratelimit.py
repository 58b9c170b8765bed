"""One query budget for every process on the machine (the API allows 60 a minute per IP).

The state is a small JSON file under the state folder, read and written under an exclusive
file lock: the send times of the last minute and, after any 429, the time until which every
process holds back. Waiters sleep until the moment a slot frees; nothing busy-waits.
"""
import contextlib
import json
import time

from .errors import SkillError
from .output import progress

WINDOW_SECONDS = 60.0
DEFAULT_PER_MINUTE = 50  # the documented 60, with margin for clock skew and other clients

try:
    import fcntl
except ImportError:  # Windows: the budget is kept per process only
    fcntl = None


class QueryBudget:
    def __init__(self, state_dir, per_minute=DEFAULT_PER_MINUTE, clock=time.time,
                 sleep=time.sleep):
        self.path = state_dir / "query-budget.json" if state_dir else None
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self._memory = {"sent": [], "blockedUntil": 0.0}
        self.deadline = None  # clock() time past which acquire() raises instead of sleeping

    @contextlib.contextmanager
    def _state(self):
        """The shared state, locked for the duration of the block and saved after it."""
        if self.path is None or fcntl is None:
            yield self._memory
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            progress(f"query budget file unavailable ({exc.strerror}); limiting this process only")
            self.path = None
            yield self._memory
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                state = json.loads(handle.read() or "{}")
                state = {"sent": [float(t) for t in state.get("sent", [])],
                         "blockedUntil": float(state.get("blockedUntil", 0.0))}
            except (ValueError, TypeError, AttributeError):
                state = {"sent": [], "blockedUntil": 0.0}  # a damaged file only costs a reset
            yield state
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(state))
            handle.flush()  # other processes read it through the page cache; no fsync needed

    def _take(self):
        """Record a send and return 0, or return how long to wait before asking again."""
        with self._state() as state:
            now = self.clock()
            state["sent"] = [t for t in state["sent"] if now - WINDOW_SECONDS < t <= now + 1]
            if state["blockedUntil"] > now:
                return state["blockedUntil"] - now
            if len(state["sent"]) >= self.per_minute:
                return state["sent"][-self.per_minute] + WINDOW_SECONDS - now
            state["sent"].append(now)
            return 0.0

    def acquire(self):
        while True:
            wait = self._take()
            if wait <= 0:
                return
            if self.deadline is not None and self.clock() + wait > self.deadline:
                raise SkillError("RATE_LIMITED", f"the machine-wide query budget "
                                 f"({self.per_minute} a minute) is spent for {wait:.0f}s, past "
                                 "this command's timeout", retryAfter=round(wait, 1),
                                 hint="other processes on this machine are polling too; run "
                                      "the command again later", scope="machine")
            self.sleep(min(max(wait, 0.01), WINDOW_SECONDS))

    def hold_off(self, seconds):
        """After a 429: every process sharing this budget waits `seconds` from now."""
        with self._state() as state:
            state["blockedUntil"] = max(state["blockedUntil"], self.clock() + seconds)
