"""Saving a finished task's video: streamed, checked, atomic, resumable, never with the key.

The bytes go to a hidden `.<name>.part` file beside the target, are checked against
Content-Length, fsynced and renamed into place, so the final name only ever holds a whole
file. A broken transfer resumes with a Range request where the server allows it; an expired
URL (401/403/410) is replaced by fetching the task again. The video host never sees the key:
these requests go through their own session that has none.
"""
import hashlib
import os
import re
import time
import urllib.parse
from pathlib import Path

from .deps import require
from .errors import SkillError, invalid
from .output import progress
from .tasks import video_urls

CHUNK_BYTES = 256 * 1024  # small enough that a broken transfer keeps nearly all it got
MAX_ATTEMPTS = 4
EXPIRED_STATUSES = (401, 403, 410)
CONTENT_TYPES = {"video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov",
                 "video/x-m4v": ".m4v", "video/x-matroska": ".mkv"}
URL_EXTENSIONS = (".mp4", ".webm", ".mov", ".m4v", ".mkv")


def _hasher(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest


def file_sha256(path):
    return _hasher(path).hexdigest()


def extension_for(url, content_type):
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in CONTENT_TYPES:
        return CONTENT_TYPES[mime]
    suffix = os.path.splitext(urllib.parse.urlsplit(url).path)[1].lower()
    return suffix if suffix in URL_EXTENSIONS else ".mp4"


class Downloader:
    def __init__(self, api, journal=None, force=False, sleep=None):
        self.api = api
        self.journal = journal
        self.force = force
        self.requests = require("requests")
        self.session = self.requests.Session()  # no key, ever: a separate session
        self.sleep = sleep or time.sleep

    def save_task(self, task, directory=None, output=None):
        """Save every video of a COMPLETED task; returns [{path, bytes, sha256, reused}]."""
        task_id = task["id"]
        urls = video_urls(task.get("output"))
        if not urls:
            raise SkillError("UNEXPECTED_RESPONSE", f"task {task_id} is COMPLETED but its "
                             "output names no video URL", taskId=task_id,
                             hint="run get_task.py to see the raw output")
        if output and len(urls) > 1:
            raise invalid(f"task {task_id} has {len(urls)} videos; use --dir", field="output")
        folder = Path(output).parent if output else Path(directory or ".")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise invalid(f"cannot create folder {folder}: {exc.strerror}", field="dir") from None
        saved = []
        for index, url in enumerate(urls):
            stem = f"{_safe(task_id)}{'' if index == 0 else f'-{index + 1}'}"
            saved.append(self._known_copy(task_id, folder, stem, output) or
                         self._save(task_id, index, url, folder, stem, output))
        return saved

    def _known_copy(self, task_id, folder, stem, output):
        """A file this skill saved before, still intact: reused without a download."""
        entry = self.journal.find_task(task_id) if self.journal else None
        for record in (entry or {}).get("files", []):
            path = Path(record["path"])
            wanted = Path(output).resolve() if output else None
            matches = path == wanted if wanted else (
                path.parent == folder.resolve() and path.stem == stem)
            if matches and path.is_file() and path.stat().st_size == record["bytes"] \
                    and file_sha256(path) == record["sha256"]:
                return {"path": str(path), "bytes": record["bytes"],
                        "sha256": record["sha256"], "reused": True}
        return None

    def _save(self, task_id, index, url, folder, stem, output):
        part = folder / f".{Path(output).name if output else stem}.part"
        attempt = 0
        while True:
            attempt += 1
            try:
                content_type, digest = self._stream(url, part)
                target = Path(output) if output else folder / (stem + extension_for(
                    url, content_type))
                return self._finish(task_id, part, target, digest)
            except _Expired:
                if attempt >= MAX_ATTEMPTS:
                    raise SkillError("DOWNLOAD_FAILED", "the video URL keeps being refused",
                                     taskId=task_id) from None
                progress(f"video URL for {task_id} was refused (expired?); fetching a fresh one")
                fresh = video_urls(self.api.get_task(task_id).get("output"))
                url = fresh[min(index, len(fresh) - 1)] if fresh else url
            except _Broken as exc:
                if attempt >= MAX_ATTEMPTS:
                    self._discard(part)
                    raise SkillError("DOWNLOAD_FAILED", f"download of {task_id} failed: {exc}",
                                     taskId=task_id, hint="run download.py again; the task is "
                                     "done and will not be charged again") from None
                progress(f"download of {task_id} interrupted ({exc}); resuming")
                self.sleep(min(0.5 * attempt, 3.0))

    def _stream(self, url, part):
        """Fetch into `part`, resuming what it holds; returns (Content-Type, sha256 hex)."""
        offset = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": "ai-video-maker-skill"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        requests = self.requests
        try:
            response = self.session.get(url, headers=headers, stream=True, timeout=(10, 60))
        except requests.exceptions.RequestException as exc:
            raise _Broken(type(exc).__name__) from None
        with response:
            if response.status_code in EXPIRED_STATUSES:
                raise _Expired()
            if response.status_code == 416:
                part.unlink()
                raise _Broken("range not satisfiable; restarting")
            if response.status_code not in (200, 206):
                raise _Broken(f"HTTP {response.status_code} from the video host")
            resumed = response.status_code == 206 and offset > 0
            expected = _expected_total(response, offset if resumed else 0)
            digest = _hasher(part) if resumed else hashlib.sha256()
            try:
                with open(part, "ab" if resumed else "wb") as handle:
                    for block in response.iter_content(CHUNK_BYTES):
                        handle.write(block)
                        digest.update(block)
                    handle.flush()
                    os.fsync(handle.fileno())
            except requests.exceptions.RequestException as exc:
                raise _Broken(type(exc).__name__) from None
            except OSError as exc:
                raise SkillError("DOWNLOAD_FAILED", f"cannot write {part}: {exc.strerror}",
                                 retryable=False) from None
            size = part.stat().st_size
            if expected is not None and size != expected:
                raise _Broken(f"got {size} of {expected} bytes")
            if size == 0:
                raise _Broken("empty body")
            return response.headers.get("Content-Type"), digest.hexdigest()

    def _finish(self, task_id, part, target, digest):
        size = part.stat().st_size
        if target.exists():
            if target.stat().st_size == size and file_sha256(target) == digest:
                part.unlink()
                return self._record(task_id, target, size, digest, reused=True)
            if not self.force:
                part.unlink()
                raise invalid(f"{target} exists with different content", field="output",
                              hint="pass --force to overwrite it, or choose another --dir")
        os.replace(part, target)
        return self._record(task_id, target, size, digest, reused=False)

    def _record(self, task_id, target, size, digest, reused):
        path = str(target.resolve())
        if self.journal:
            self.journal.append("file", taskId=task_id, path=path, bytes=size, sha256=digest)
        return {"path": path, "bytes": size, "sha256": digest, "reused": reused}

    @staticmethod
    def _discard(part):
        if part is not None and part.exists():
            part.unlink()


def _expected_total(response, offset):
    length = response.headers.get("Content-Length")
    if not (length and length.isdigit()):
        return None
    return offset + int(length)


def _safe(name):
    return re.sub(r"[^A-Za-z0-9_-]", "_", name)[:128]


class _Expired(Exception):
    pass


class _Broken(Exception):
    pass
