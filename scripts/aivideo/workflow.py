"""The jobs the scripts share: connect, submit without paying twice, wait, download."""
import shlex
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import config
from .errors import SkillError
from .images import is_url
from .journal import Journal, fingerprint
from .output import progress
from .tasks import TERMINAL, video_urls

# A lost create's task was made between its send (less clock skew) and a little after it:
# the request times out in 30 s, so anything created much later is someone else's.
RECONCILE_SKEW = timedelta(minutes=2)
RECONCILE_AFTER = timedelta(minutes=10)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SCRIPTS_DIR = Path(__file__).resolve().parents[1]


class Context:
    """What a script that talks to the API needs, built from the environment."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        from .api import Api
        from .http import ApiClient
        from .ratelimit import QueryBudget
        self.base_url = config.base_url()
        key = config.api_key()
        state_dir = config.state_dir()
        self.journal = Journal(state_dir)
        self.budget = QueryBudget(state_dir, per_minute=config.query_budget(), sleep=sleep)
        self.api = Api(ApiClient(self.base_url, key, budget=self.budget, sleep=sleep,
                                 clock=clock))
        self.clock = clock
        self.sleep = sleep


def journal_only():
    """The journal without an API connection (list_tasks.py --local needs no key)."""
    return Journal(config.state_dir())


def script_command(name, *args):
    """The shell command that runs one of our scripts, for hints such as how to resume."""
    return " ".join(shlex.quote(str(part)) for part in ("python3", SCRIPTS_DIR / name) + args)


# -- submitting ------------------------------------------------------------------------------
def submit(ctx, model, body, credits, webhook_url=None, resubmit=False):
    """Create a task, recorded in the journal before and after; never a blind second create."""
    fp = fingerprint(ctx.base_url, model, body)
    for prior in ctx.journal.unresolved(fp):
        found = _reconcile(ctx, model, body, prior["submittedAt"])
        if found:
            ctx.journal.append("created", ref=prior["ref"], taskId=found, reconciled=True)
            progress(f"an earlier attempt of this request did create task {found}; using it")
            return {"taskId": found, "status": "SUBMITTED", "reconciled": True}
        if not resubmit:
            raise SkillError(
                "SUBMIT_UNCERTAIN", f"an earlier attempt of this exact request "
                f"({prior['submittedAt']}) may have created a task that the list does not show "
                "yet; not sending it again", retryable=False, ref=prior["ref"],
                hint="run list_tasks.py to look for it; only if the user agrees that no task "
                     "was created, run the same command with --resubmit")
        ctx.journal.append("abandoned", ref=prior["ref"])
    submitted = ctx.journal.submit(ctx.base_url, model, body, credits, fp)
    ref, sent_at = submitted["ref"], submitted["at"]
    try:
        created = ctx.api.create(model, body, webhook_url)
    except SkillError as exc:
        if exc.code != "SUBMIT_UNCERTAIN":
            ctx.journal.append("rejected", ref=ref, code=exc.code)
            raise
        found = _reconcile(ctx, model, body, sent_at)
        if found:
            ctx.journal.append("created", ref=ref, taskId=found, reconciled=True)
            progress(f"the create answer was lost, but task {found} was found in the list")
            return {"taskId": found, "status": "SUBMITTED", "reconciled": True}
        ctx.journal.append("uncertain", ref=ref, reason=exc.message)
        exc.details["ref"] = ref
        raise
    ctx.journal.append("created", ref=ref, taskId=created["taskId"], status=created["status"])
    return created


def _reconcile(ctx, model, body, sent_at):
    """The one task of this model and input created around `sent_at` that no journal entry
    claims; None when there is none or more than one, or the list cannot be read."""
    try:
        tasks = ctx.api.list_tasks()
    except SkillError as exc:
        progress(f"could not read the task list to reconcile: {exc.message}")
        return None
    sent = _parse_time(sent_at)
    claimed = ctx.journal.known_task_ids()
    matches = [t["id"] for t in tasks if t.get("model") == model and t["id"] not in claimed
               and sent - RECONCILE_SKEW <= _parse_time(t.get("createdAt")) <= sent +
               RECONCILE_AFTER and _same_input(t.get("input"), body)]
    return matches[0] if len(matches) == 1 else None


def _same_input(server_input, body):
    """Equal but for an uploaded image (data URI, or its journal stand-in), which the API
    replaces with a stored URL."""
    if not isinstance(server_input, dict):
        return False
    for field, value in body.items():
        if field == "image" and not is_url(str(value)):
            continue
        if server_input.get(field) != value:
            return False
    return True


def _parse_time(text):
    try:
        parsed = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return EPOCH
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def track(ctx, task_ids):
    """Journal ids created elsewhere, so that poll.py --pending can resume them too."""
    known = ctx.journal.known_task_ids()
    for task_id in task_ids:
        if task_id not in known:
            ctx.journal.append("track", taskId=task_id, api=ctx.base_url)


def pending_task_ids(ctx, download_dir=None):
    """Journalled tasks of this API still to finish (or, with a download folder, to save);
    creates that never answered are looked for in the list first."""
    task_ids = []
    for entry in ctx.journal.tasks():
        if entry["api"] != ctx.base_url:
            continue
        if entry["taskId"] is None and entry["status"] in ("SENDING", "UNCERTAIN"):
            found = _reconcile(ctx, entry["model"], entry["input"] or {}, entry["submittedAt"])
            if found:
                ctx.journal.append("created", ref=entry["ref"], taskId=found, reconciled=True)
                progress(f"found task {found} for a create that never answered")
                task_ids.append(found)
        elif entry["taskId"] and (entry["status"] not in TERMINAL or (
                download_dir and entry["status"] == "COMPLETED" and not entry["files"])):
            task_ids.append(entry["taskId"])
    return list(dict.fromkeys(task_ids))


# -- waiting and downloading ----------------------------------------------------------------
def task_view(item_task, task_id, status, files=None):
    task = item_task or {}
    view = {"taskId": task_id, "status": status, "model": task.get("model")}
    if status == "COMPLETED":
        view["videoUrls"] = video_urls(task.get("output"))
        view["output"] = task.get("output")
    if task.get("completedAt"):
        view["completedAt"] = task["completedAt"]
    if files is not None:
        view["files"] = files
    return view


def wait_and_collect(ctx, task_ids, timeout, once=False, download_dir=None, force=False):
    """Wait for the tasks and save finished videos; returns views, or raises the outcome."""
    from .downloads import Downloader
    from .waiting import Waiter
    ctx.budget.deadline = time.time() + timeout  # a busy budget ends the wait, never stretches it
    tracked = Waiter(ctx.api, ctx.journal, clock=ctx.clock, sleep=ctx.sleep).wait(
        task_ids, timeout, once=once)
    downloader = Downloader(ctx.api, ctx.journal, force=force) if download_dir else None
    views = []
    for item in tracked:
        files = None
        if downloader and item.status == "COMPLETED":
            files = downloader.save_task(item.task or ctx.api.get_task(item.task_id),
                                         directory=download_dir)
        view = task_view(item.task, item.task_id, item.status or "UNKNOWN", files)
        if item.error:
            view["error"] = item.error.code
        views.append(view)
    return tracked, views


def outcome_error(tracked, views, once=False, download_dir=None):
    """The error that describes unfinished or unsuccessful tasks, or None when all COMPLETED."""
    running = [t.task_id for t in tracked if not t.done]
    failed = [t.task_id for t in tracked if t.status == "FAILED"]
    cancelled = [t.task_id for t in tracked if t.status == "CANCEL"]
    broken = [t for t in tracked if t.error is not None]
    if running and not once:
        resume_args = ("--download", download_dir) if download_dir else ()
        command = script_command("poll.py", *running, *resume_args)
        return SkillError("TIMEOUT", f"{len(running)} task(s) still running; they keep going "
                          "on the server and are not charged again", hint=f"resume with: "
                          f"{command}", taskIds=running, resume=command, tasks=views)
    if running:
        return None  # --once: a status report, not a failure
    if broken:
        first = broken[0].error
        return SkillError(first.code, first.message, hint=first.hint, tasks=views)
    if failed:
        return SkillError("TASK_FAILED", f"{len(failed)} task(s) FAILED (credits are refunded "
                          "automatically)", hint="adjust the prompt or image and create a new "
                          "task; failed tasks cost nothing", taskIds=failed, tasks=views)
    if cancelled:
        return SkillError("TASK_CANCELLED", f"{len(cancelled)} task(s) were cancelled",
                          hint="create a new task if the video is still wanted",
                          taskIds=cancelled, tasks=views)
    return None
