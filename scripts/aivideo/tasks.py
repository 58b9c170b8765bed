"""Task statuses, task ids, and finding the video in a task's undocumented `output`."""
import re
import urllib.parse

from .errors import invalid

TERMINAL = ("COMPLETED", "FAILED", "CANCEL")
KNOWN = ("SUBMITTED", "PROGRESS") + TERMINAL
_ALIASES = {"CANCELLED": "CANCEL", "CANCELED": "CANCEL", "IN_PROGRESS": "PROGRESS",
            "PROCESSING": "PROGRESS", "SUCCESS": "COMPLETED", "SUCCEEDED": "COMPLETED",
            "COMPLETE": "COMPLETED", "FAILURE": "FAILED", "ERROR": "FAILED"}
TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
VIDEO_EXTENSIONS = (".mp4", ".webm", ".mov", ".m4v", ".mkv")
IMAGE_HINTS = ("cover", "thumb", "poster", "image", "preview", "frame", "avatar")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif")


def normalize_status(value):
    """Documented statuses exactly; case and common spellings tolerated; else the raw text."""
    if not isinstance(value, str):
        return "UNKNOWN"
    status = value.strip().upper().replace("-", "_").replace(" ", "_")
    return _ALIASES.get(status, status)


def check_task_id(task_id):
    if not TASK_ID.match(task_id or ""):
        raise invalid(f"not a task id: {task_id!r}", field="taskId",
                      hint="task ids are letters, digits, - and _ (as create_task.py printed)")
    return task_id


def video_urls(output):
    """Every downloadable video URL in `output`, best first, whatever its shape."""
    found = []
    _walk(output, "", found)
    ranked = sorted(enumerate(found), key=lambda item: (-_score(*item[1]), item[0]))
    urls = []
    for _, (url, _key) in ranked:
        if _score(url, _key) > 0 and url not in urls:
            urls.append(url)
    return urls


def _walk(value, key, found):
    if isinstance(value, str):
        text = value.strip()
        if re.match(r"^https?://\S+$", text):
            found.append((text, key.lower()))
    elif isinstance(value, dict):
        for child_key, child in value.items():
            _walk(child, f"{key}.{child_key}" if key else str(child_key), found)
    elif isinstance(value, list):
        for child in value:
            _walk(child, key, found)


def _score(url, key):
    """2: looks like a video; 1: a URL that is not obviously something else; 0: an image."""
    path = urllib.parse.urlsplit(url).path.lower()
    leaf = key.rsplit(".", 1)[-1]
    if path.endswith(VIDEO_EXTENSIONS) or "video" in leaf:
        return 2
    if path.endswith(IMAGE_EXTENSIONS) or any(hint in leaf for hint in IMAGE_HINTS):
        return 0
    return 1


def compact(task):
    """The list view of a task: small enough for an agent to read many."""
    return {"taskId": task.get("id"), "model": task.get("model"),
            "status": normalize_status(task.get("status")), "createdAt": task.get("createdAt"),
            "completedAt": task.get("completedAt")}
