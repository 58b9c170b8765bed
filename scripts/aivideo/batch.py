"""Batches: many jobs from one manifest, one credit budget, resumable after any stop.

Each job's taskId is written to a state file under the state folder as soon as it is known, so
a rerun submits nothing twice: it picks up the tasks already created and only sends the rest.
Jobs are keyed by what they ask for (model and body, and which repeat of an identical job it
is), so editing the manifest adds or drops jobs without confusing the others.
"""
import hashlib
import json
import os
import time
from pathlib import Path

from . import images
from .errors import SkillError, invalid
from .journal import fingerprint
from .models import estimate_credits
from .output import progress
from .validation import build_body, check_against, validate

DEFAULTS = {"concurrency": 4, "output": ".", "timeout": 1800.0}
# Ends of a job that made no video: the task failed or was cancelled, the API refused the
# create (REJECTED), or the task could not be followed (ERROR, e.g. not found).
NO_VIDEO = ("FAILED", "CANCEL", "REJECTED", "ERROR")
FINISHED = ("COMPLETED",) + NO_VIDEO
CYCLE_SECONDS = 1.5


def load_manifest(path):
    from .deps import require
    yaml = require("yaml")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise invalid(f"cannot read manifest {path}: {exc.strerror}", field="manifest") from None
    try:
        manifest = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as exc:
        raise invalid(f"manifest is not valid YAML or JSON: {str(exc)[:200]}",
                      field="manifest") from None
    check_against("batch", manifest, "manifest")
    return {**DEFAULTS, **manifest}


class Job:
    def __init__(self, index, model, body, name, key):
        self.index = index
        self.model = model
        self.body = body
        self.name = name
        self.key = key
        self.credits = estimate_credits(model, body)
        self.record = {}

    @property
    def task_id(self):
        return self.record.get("taskId")

    @property
    def status(self):
        return self.record.get("status")

    def view(self):
        files = self.record.get("files") or []
        return {"index": self.index, "name": self.name, "model": self.model,
                "taskId": self.task_id, "status": self.status or "NEW",
                "credits": self.credits, "file": files[0]["path"] if files else None,
                "bytes": files[0]["bytes"] if files else None}


def plan_jobs(manifest, manifest_path, api_url):
    """Build and validate every job's request; a bad job names its index."""
    base = Path(manifest_path).resolve().parent
    jobs, seen = [], {}
    for index, spec in enumerate(manifest["jobs"]):
        fields = {k: v for k, v in spec.items() if k not in ("model", "name")}
        image = fields.get("image")
        if isinstance(image, str) and not images.is_url(image) and \
                not image.startswith("data:") and not os.path.isabs(image):
            fields["image"] = str(base / image)
        try:
            body = validate(spec["model"], build_body(spec["model"], fields))
        except SkillError as exc:
            exc.message = f"job {index}: {exc.message}"
            exc.details["job"] = index
            raise
        digest = fingerprint(api_url, spec["model"], body)
        seen[digest] = seen.get(digest, 0) + 1
        jobs.append(Job(index, spec["model"], body, spec.get("name"),
                        f"{digest[:24]}#{seen[digest]}"))
    names = [j.name for j in jobs if j.name]
    if len(names) != len(set(names)):
        raise invalid("job names must be unique", field="name")
    return jobs


class BatchState:
    """{job key: {taskId, status, files}} in one JSON file, replaced atomically on each save."""

    def __init__(self, state_dir, manifest_path):
        resolved = str(Path(manifest_path).resolve())
        digest = hashlib.sha256(resolved.encode()).hexdigest()[:16]
        self.path = state_dir / "batches" / f"{digest}.json"
        self.manifest = resolved

    def load(self):
        try:
            data = json.loads(self.path.read_text())
            return data.get("jobs", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def save(self, jobs):
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        records = self.load()
        records.update({job.key: job.record for job in jobs if job.record})
        partial = self.path.with_suffix(".json.part")
        partial.write_text(json.dumps({"manifest": self.manifest, "jobs": records}, indent=1))
        os.replace(partial, self.path)


def run_batch(ctx, jobs, state, manifest, manifest_path, clock=time.monotonic,
              sleep=time.sleep):
    """Submit, wait and download with at most `concurrency` tasks in flight."""
    from . import workflow
    from .downloads import Downloader
    from .waiting import Waiter
    out_dir = Path(manifest_path).resolve().parent / manifest["output"]
    downloader = Downloader(ctx.api, ctx.journal)
    waiter = Waiter(ctx.api, ctx.journal, clock=clock, sleep=sleep)
    deadline = clock() + float(manifest["timeout"])
    while True:
        active = [j for j in jobs if j.task_id and _unfinished(j)]
        for job in jobs:
            if len(active) >= manifest["concurrency"]:
                break
            if not job.task_id and job.status not in FINISHED:
                _submit(ctx, job, workflow)
                state.save(jobs)
                if job.task_id:
                    active.append(job)
        if not active:
            return
        for item in waiter.wait([j.task_id for j in active], timeout=0, once=True):
            job = next(j for j in active if j.task_id == item.task_id)
            job.record["status"] = "ERROR" if item.error else item.status
            if item.error:
                job.record["error"] = item.error.message
            if item.status == "COMPLETED" and not job.record.get("files"):
                target = out_dir / f"{job.name}.mp4" if job.name else None
                task = item.task or ctx.api.get_task(item.task_id)
                task.setdefault("id", item.task_id)
                job.record["files"] = downloader.save_task(
                    task, directory=out_dir, output=target)
        state.save(jobs)
        if clock() >= deadline:
            return
        sleep(CYCLE_SECONDS)


def _unfinished(job):
    return job.status not in FINISHED or (job.status == "COMPLETED" and not job.record.get("files"))


def _submit(ctx, job, workflow):
    try:
        created = workflow.submit(ctx, job.model, job.body, job.credits)
    except SkillError as exc:
        if exc.code in ("SUBMIT_UNCERTAIN", "INSUFFICIENT_CREDITS", "AUTH_FAILED",
                        "RATE_LIMITED", "NETWORK_ERROR", "SERVER_ERROR"):
            raise  # stop the batch: what was created is in the state file and the journal
        job.record = {"status": "REJECTED", "error": exc.message}
        progress(f"job {job.index} was refused: {exc.message}")
        return
    job.record = {"taskId": created["taskId"], "status": created["status"]}
    progress(f"job {job.index} ({job.model}) is task {created['taskId']}")
