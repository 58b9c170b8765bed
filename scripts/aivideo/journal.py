"""The append-only task journal: no paid task is ever lost.

One JSON line per event in <state folder>/journal.jsonl. A create is written before its request
is sent ("submit") and again when the answer names the task ("created"), or "uncertain" when it
never did; status changes and saved files follow. Each line is one O_APPEND write under an
exclusive lock, so writers in several processes cannot interleave; a torn last line from a killed
process is skipped on reading. Never stored: the API key, image data (type, size and hash only).
"""
import contextlib
import hashlib
import json
import os
import uuid
from datetime import datetime, timezone

from . import images
from .output import progress, redact

try:
    import fcntl
except ImportError:
    fcntl = None

FILE_NAME = "journal.jsonl"
# Ends of a create that named no task: the create may have happened (uncertain), certainly did
# not (rejected), or the user chose to send it again anyway (abandoned).
UNANSWERED = {"uncertain": "UNCERTAIN", "rejected": "REJECTED", "abandoned": "ABANDONED"}


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fingerprint(api_url, model, body):
    """Identifies 'the same create' across runs: same server, model and exact body."""
    canonical = json.dumps([api_url, model, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Journal:
    def __init__(self, state_dir):
        self.path = state_dir / FILE_NAME

    @contextlib.contextmanager
    def _locked_fd(self):
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            if fcntl:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)

    def append(self, event, **fields):
        record = {"event": event, "at": now_iso(), **fields}
        line = redact(json.dumps(record, separators=(",", ":"), sort_keys=True)) + "\n"
        try:
            with self._locked_fd() as fd:
                size = os.fstat(fd).st_size
                if size and hasattr(os, "pread") and os.pread(fd, 1, size - 1) != b"\n":
                    line = "\n" + line  # end a line torn by a killed writer; keep ours whole
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
        except OSError as exc:
            progress(f"could not write the journal {self.path}: {exc.strerror}")
        return record

    def records(self):
        try:
            with open(self.path, encoding="utf-8") as handle:
                lines = handle.readlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            progress(f"could not read the journal {self.path}: {exc.strerror}")
            return []
        records = []
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line torn by a killed writer
            if isinstance(record, dict) and "event" in record:
                records.append(record)
        return records

    # -- writing the story of a create -----------------------------------------------------
    def submit(self, api_url, model, body, credits, fingerprint_value):
        """Record a create about to be sent; returns the record (its `ref` and `at`)."""
        shown = dict(body)
        if "image" in shown:
            shown["image"] = images.describe(shown["image"])
        return self.append("submit", ref=uuid.uuid4().hex[:12], api=api_url, model=model,
                           input=shown, credits=credits, fingerprint=fingerprint_value)

    # -- reading it back ---------------------------------------------------------------------
    def tasks(self):
        """One entry per create, oldest first, with its latest status and files."""
        by_ref, by_task = {}, {}
        for record in self.records():
            event = record["event"]
            if event == "submit":
                by_ref[record["ref"]] = {
                    "ref": record["ref"], "taskId": None, "model": record.get("model"),
                    "api": record.get("api"), "submittedAt": record.get("at"),
                    "input": record.get("input"), "credits": record.get("credits"),
                    "fingerprint": record.get("fingerprint"), "status": "SENDING",
                    "files": []}
            elif event == "created" and record.get("ref") in by_ref:
                entry = by_ref[record["ref"]]
                entry.update(taskId=record["taskId"], status=record.get("status", "SUBMITTED"))
                by_task[record["taskId"]] = entry
            elif event in UNANSWERED and record.get("ref") in by_ref:
                by_ref[record["ref"]]["status"] = UNANSWERED[event]
            elif event == "status" and record.get("taskId") in by_task:
                by_task[record["taskId"]]["status"] = record["status"]
            elif event == "file" and record.get("taskId") in by_task:
                by_task[record["taskId"]]["files"].append(
                    {k: record.get(k) for k in ("path", "bytes", "sha256")})
            elif event == "track" and record.get("taskId") not in by_task:
                entry = {"ref": None, "taskId": record["taskId"], "model": record.get("model"),
                         "api": record.get("api"), "submittedAt": record.get("at"),
                         "input": None, "credits": None, "fingerprint": None,
                         "status": record.get("status", "SUBMITTED"), "files": []}
                by_task[record["taskId"]] = entry
                by_ref["track:" + record["taskId"]] = entry
        return list(by_ref.values())

    def find_task(self, task_id):
        for entry in self.tasks():
            if entry["taskId"] == task_id:
                return entry
        return None

    def unresolved(self, fingerprint_value):
        """Creates of this exact request whose answer never named a task."""
        return [e for e in self.tasks() if e["fingerprint"] == fingerprint_value
                and e["taskId"] is None and e["status"] in ("SENDING", "UNCERTAIN")]

    def known_task_ids(self):
        return {e["taskId"] for e in self.tasks() if e["taskId"]}
