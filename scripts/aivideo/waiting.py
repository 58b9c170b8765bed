"""Waiting for tasks: bounded in time, inside the query budget, one request per cycle for many.

One task is followed through its status endpoint; several through the list endpoint (one
request for all of them), with a per-task status request only for a task the list does not
show. The cycle is short (1 s) at the start and around the time tasks are expected to finish
(learned from the tasks that finished first), 2 s in between; the machine-wide query budget
slows it further if other processes are polling too.
"""
import statistics
import time

from .errors import SkillError
from .output import Heartbeat
from .tasks import KNOWN, TERMINAL, normalize_status

FAST_INTERVAL = 1.0
SLOW_INTERVAL = 2.0
FAST_START_SECONDS = 15.0
UNKNOWN_STATUS_LIMIT = 3
HEARTBEAT_SECONDS = 30.0


class Tracked:
    def __init__(self, task_id):
        self.task_id = task_id
        self.status = None
        self.task = None  # the full task (input, output, ...) once known
        self.error = None
        self.unknown_seen = 0
        self.finished_after = None

    @property
    def done(self):
        return self.status in TERMINAL or self.error is not None


class Waiter:
    def __init__(self, api, journal=None, clock=time.monotonic, sleep=time.sleep,
                 heartbeat=None):
        self.api = api
        self.journal = journal
        self.clock = clock
        self.sleep = sleep
        self.heartbeat = heartbeat or Heartbeat(HEARTBEAT_SECONDS, clock)

    def wait(self, task_ids, timeout, once=False):
        """Poll until every task is terminal, `timeout` seconds pass, or one check if `once`."""
        tracked = {task_id: Tracked(task_id) for task_id in dict.fromkeys(task_ids)}
        started = self.clock()
        while True:
            try:
                changed = self._check(tracked, started)
            except SkillError as exc:
                if exc.details.get("scope") != "machine":
                    raise
                return list(tracked.values())  # the shared budget outlasts the timeout
            pending = [t for t in tracked.values() if not t.done]
            elapsed = self.clock() - started
            self.heartbeat.report(self._summary(tracked, elapsed), changed)
            if not pending or once:
                return list(tracked.values())
            interval = self._interval(tracked, elapsed)
            if elapsed + interval > timeout:
                remaining = timeout - elapsed
                if remaining > 0.05:  # one last look at the deadline itself
                    self.sleep(remaining)
                    self._check(tracked, started)
                return list(tracked.values())
            self.sleep(interval)

    def _check(self, tracked, started):
        """One cycle: one list request for many tasks, a status request for the rest."""
        pending = [t for t in tracked.values() if not t.done]
        before = {t.task_id: t.status for t in pending}
        unlisted = pending
        if len(tracked) > 1:
            listed = {task["id"]: task for task in self.api.list_tasks()}
            unlisted = [t for t in pending if t.task_id not in listed]
            for item in pending:
                if item.task_id in listed:
                    self._update(item, listed[item.task_id], started)
        for item in unlisted:
            self._check_one(item, started)
        changed = False
        for item in pending:
            if item.status != before[item.task_id] or item.error:
                changed = True
                if self.journal and item.status:
                    self.journal.append("status", taskId=item.task_id, status=item.status)
        return changed

    def _check_one(self, item, started):
        try:
            status = self.api.status(item.task_id)
            if status == "COMPLETED":
                self._update(item, self.api.get_task(item.task_id), started)
            else:
                self._set_status(item, status, started)
        except SkillError as exc:
            if exc.code != "TASK_NOT_FOUND":
                raise
            item.error = exc

    def _update(self, item, task, started):
        item.task = task
        self._set_status(item, normalize_status(task.get("status")), started)

    def _set_status(self, item, status, started):
        if status not in KNOWN:
            item.unknown_seen += 1
            if item.unknown_seen >= UNKNOWN_STATUS_LIMIT:
                item.error = SkillError("UNEXPECTED_RESPONSE",
                                        f"task {item.task_id} reports an unknown status "
                                        f"{status!r}", taskId=item.task_id, status=status)
            item.status = status
            return
        item.unknown_seen = 0
        if status in TERMINAL and item.status not in TERMINAL:
            item.finished_after = self.clock() - started
        item.status = status

    def _interval(self, tracked, elapsed):
        if elapsed < FAST_START_SECONDS:
            return FAST_INTERVAL
        finished = [t.finished_after for t in tracked.values() if t.finished_after is not None]
        if finished:
            expected = statistics.median(finished)
            if abs(elapsed - expected) <= max(5.0, 0.25 * expected):
                return FAST_INTERVAL
        return SLOW_INTERVAL

    @staticmethod
    def _summary(tracked, elapsed):
        if len(tracked) == 1:
            item = next(iter(tracked.values()))
            return f"task {item.task_id}: {item.status or 'checking'} ({elapsed:.0f}s)"
        counts = {}
        for item in tracked.values():
            counts[item.status or "checking"] = counts.get(item.status or "checking", 0) + 1
        parts = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return f"{len(tracked)} tasks: {parts} ({elapsed:.0f}s)"
