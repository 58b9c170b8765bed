#!/usr/bin/env python3
"""A local, faithful implementation of the AIVideoMaker API, for demos and tests.

Usage:
    python3 sandbox/server.py                      # free loopback port, prints its URL as JSON
    python3 sandbox/server.py --port 8765 --progress-seconds 3
    python3 sandbox/server.py --video-bytes 200000000   # serve a 200 MB (still valid) MP4

Written from ../shared/reference/aivideomaker-api.txt alone; it shares no code and no schema
with scripts/, so a misreading of the reference in one cannot hide in the other.

Two listeners: the API (create, list, get, status, cancel under /api/v1) and a separate media
host on another port that serves result videos and stored images, as a CDN would. Tasks move
SUBMITTED -> PROGRESS -> COMPLETED on a clock that tests can advance; fault injection, the
request log and the clock are reachable from Python (`Sandbox`) for tests and benchmarks.
Standard library only.
"""
import argparse
import base64
import binascii
import hashlib
import json
import math
import random
import re
import secrets
import socket
import string
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLE_VIDEO = (Path(__file__).resolve().parent / "assets" / "sample.mp4").read_bytes()

DEFAULT_KEY = "sandbox-key"
MODELS = ("t2v", "i2v", "lv", "t2v_v3", "i2v_v3")
ASPECT_RATIOS = ("16:9", "9:16", "1:1")
DURATIONS = {"t2v": ("5", "8"), "i2v": ("5", "8"), "t2v_v3": ("5", "10", "15", "20"),
             "i2v_v3": ("5", "10", "15", "20")}
FIELDS = {
    "t2v": {"prompt", "aspectRatio", "duration"},
    "i2v": {"image", "prompt", "duration"},
    "lv": {"image", "prompt"},
    "t2v_v3": {"prompt", "aspectRatio", "duration"},
    "i2v_v3": {"image", "prompt", "duration"},
}
MAX_LV_PROMPTS = 6
MAX_BODY_BYTES = 40 * 1024 * 1024
QUERY_LIMIT_PER_MINUTE = 60
OUTPUT_SHAPES = ("object", "string", "list", "nested")
# "lost": the create happens, then the connection drops before the answer.
FAULTS = ("429", "500", "502", "503", "reset", "stall", "html", "badjson", "shape",
          "redirect", "truncate", "expire", "lost")
FAULT_TARGETS = ("create", "list", "get", "status", "cancel", "video")
DATA_URI = re.compile(r"^data:(image/[a-z0-9.+-]+);base64,(.*)$", re.IGNORECASE | re.DOTALL)


def credits_for(model, body):
    if model == "lv":
        return len(body["prompt"]) * 5 * 15
    per_second = 10 if model.endswith("_v3") else 1
    return int(body["duration"]) * per_second


class ApiError(Exception):
    def __init__(self, http_status, message):
        super().__init__(message)
        self.http_status = http_status
        self.message = message


def validate_create(model, body):
    """The reference's rules for a create body; raises ApiError(400) naming the first problem."""
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object")
    unknown = sorted(set(body) - FIELDS[model])
    if unknown:
        raise ApiError(400, f"Unknown field(s) for {model}: {', '.join(unknown)}")
    if model in ("t2v", "t2v_v3"):
        if not isinstance(body.get("prompt"), str) or not body["prompt"].strip():
            raise ApiError(400, "prompt is required")
        if body.get("aspectRatio") not in ASPECT_RATIOS:
            raise ApiError(400, "aspectRatio must be one of 16:9, 9:16, 1:1")
    else:
        image = body.get("image")
        if not isinstance(image, str) or not image:
            raise ApiError(400, "image is required")
        if DATA_URI.match(image):
            try:
                base64.b64decode(DATA_URI.match(image).group(2), validate=True)
            except (binascii.Error, ValueError):
                raise ApiError(400, "image data URI is not valid base64") from None
        elif not re.match(r"^https?://[^\s/]+", image):
            raise ApiError(400, "image must be a public image URL or a data:image/...;base64 URI")
    if model == "lv":
        prompts = body.get("prompt")
        if not isinstance(prompts, list) or not prompts:
            raise ApiError(400, "prompt must be a non-empty array of strings")
        if len(prompts) > MAX_LV_PROMPTS:
            raise ApiError(400, f"prompt accepts at most {MAX_LV_PROMPTS} items")
        if not all(isinstance(p, str) and p.strip() for p in prompts):
            raise ApiError(400, "each prompt must be a non-empty string")
    if model in ("i2v", "i2v_v3"):
        if body.get("prompt") is not None and not isinstance(body["prompt"], str):
            raise ApiError(400, "prompt must be a string or null")
    if model in DURATIONS:
        if body.get("duration") not in DURATIONS[model]:
            raise ApiError(400, f"duration must be one of {' / '.join(DURATIONS[model])} (string)")


class Clock:
    """Monotonic time plus an offset that tests advance instead of sleeping."""

    def __init__(self):
        self._offset = 0.0
        self._wall0 = time.time()
        self._mono0 = time.monotonic()

    def now(self):
        return time.monotonic() + self._offset

    def advance(self, seconds):
        self._offset += seconds

    def iso(self, t):
        wall = self._wall0 + (t - self._mono0)
        return datetime.fromtimestamp(wall, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
            f"{int(wall * 1000) % 1000:03d}Z"


class Task:
    def __init__(self, task_id, key, model, body, credits, created, outcome, webhook,
                 extra_seconds=0.0):
        self.id = task_id
        self.key = key
        self.model = model
        self.input = body
        self.credits = credits
        self.created = created
        self.outcome = outcome
        self.webhook = webhook
        self.status = "SUBMITTED"
        self.completed = None
        self.output = None
        self.token = 0
        self.expired_token = None
        self.extra_seconds = extra_seconds


class Sandbox:
    """The API server and the media server, in threads of the calling process."""

    def __init__(self, host="127.0.0.1", port=0, media_port=0, keys=(DEFAULT_KEY,), credits=1000,
                 submitted_seconds=2.0, progress_seconds=8.0, query_limit=QUERY_LIMIT_PER_MINUTE,
                 output_shape="object", video_bytes=None, progress_jitter=0.0,
                 media_rate=None):
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the sandbox listens on loopback only")
        self.clock = Clock()
        self.lock = threading.RLock()
        self.balances = {k: credits for k in keys}
        self.submitted_seconds = submitted_seconds
        self.progress_seconds = progress_seconds
        self.progress_jitter = progress_jitter  # each task takes up to this much longer
        self.rate_limited = 0  # 429s answered by the query limit
        self.query_limit = query_limit
        self.output_shape = output_shape
        self.video_bytes = video_bytes
        self.media_rate = media_rate  # bytes a second per video transfer, like a real link
        self.tasks = {}
        self.order = []
        self.requests = []
        self.webhook_calls = []
        self.faults = []
        self.query_times = {}
        self.next_outcomes = []
        self.images = {}
        self._stop = threading.Event()
        self.api = ThreadingHTTPServer((host, port), _handler(self, "api"))
        self.media = ThreadingHTTPServer((host, media_port), _handler(self, "media"))
        for server in (self.api, self.media):
            server.daemon_threads = True
        self.url = f"http://{host}:{self.api.server_address[1]}"
        self.media_url = f"http://{host}:{self.media.server_address[1]}"

    # -- life cycle -------------------------------------------------------------------------
    def start(self):
        for target, args in ((self.api.serve_forever, (0.05,)),
                             (self.media.serve_forever, (0.05,)), (self._ticker, ())):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()

        return self

    def stop(self):
        self._stop.set()
        self.api.shutdown()
        self.media.shutdown()
        self.api.server_close()
        self.media.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- controls for tests and benchmarks ----------------------------------------------------
    def advance(self, seconds):
        """Move the sandbox clock forward and settle every task at the new time."""
        with self.lock:
            self.clock.advance(seconds)
            self._settle_all()

    def add_fault(self, target, fault, times=1, retry_after=1, seconds=5.0):
        if target not in FAULT_TARGETS or fault not in FAULTS:
            raise ValueError(f"unknown fault {target}/{fault}")
        with self.lock:
            self.faults.append({"target": target, "fault": fault, "times": times,
                                "retry_after": retry_after, "seconds": seconds})

    def fail_next(self, count=1):
        """The next `count` created tasks end FAILED instead of COMPLETED."""
        with self.lock:
            self.next_outcomes.extend(["FAILED"] * count)

    def set_status(self, task_id, status):
        with self.lock:
            self._transition(self.tasks[task_id], status)

    def requests_to(self, server="api", path_prefix=""):
        with self.lock:
            return [r for r in self.requests
                    if r["server"] == server and r["path"].startswith(path_prefix)]

    # -- task state ---------------------------------------------------------------------------
    def _ticker(self):
        while not self._stop.wait(0.05):
            with self.lock:
                self._settle_all()

    def _settle_all(self):
        for task in self.tasks.values():
            self._settle(task)

    def _settle(self, task):
        if task.status in ("COMPLETED", "FAILED", "CANCEL"):
            return
        age = self.clock.now() - task.created
        if age >= self.submitted_seconds + self.progress_seconds + task.extra_seconds:
            self._transition(task, task.outcome)
        elif age >= self.submitted_seconds and task.status == "SUBMITTED":
            self._transition(task, "PROGRESS")

    def _transition(self, task, status):
        task.status = status
        if status in ("COMPLETED", "FAILED", "CANCEL"):
            task.completed = self.clock.now()
        if status == "COMPLETED":
            task.output = self._output_for(task)
        if status in ("FAILED", "CANCEL"):
            self.balances[task.key] += task.credits  # the reference: failed tasks are refunded
        if task.webhook:
            payload = {"taskId": task.id, "status": status, "model": task.model,
                       "output": task.output}
            threading.Thread(target=self._deliver_webhook, args=(task.webhook, payload),
                             daemon=True).start()

    def _deliver_webhook(self, url, payload):
        record = {"url": url, "payload": payload, "ok": False}
        try:
            request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=5) as response:
                record["ok"] = 200 <= response.status < 300
        except OSError as exc:
            record["error"] = str(exc)
        with self.lock:
            self.webhook_calls.append(record)

    def _video_url(self, task):
        task.token += 1
        return f"{self.media_url}/videos/{task.id}.mp4?token={task.token}"

    def _output_for(self, task):
        url = self._video_url(task)
        if self.output_shape == "string":
            return url
        if self.output_shape == "list":
            return [url]
        if self.output_shape == "nested":
            return {"result": {"videos": [{"url": url, "format": "mp4"}]}}
        output = {"videoUrl": url}
        if isinstance(task.input.get("image"), str):
            output["coverUrl"] = task.input["image"]
        return output

    def _refresh_output(self, task):
        """A fresh signed URL on each read while an expiry fault is armed, as a CDN would."""
        if task.status == "COMPLETED" and task.expired_token is not None:
            task.output = self._output_for(task)

    def task_json(self, task):
        self._refresh_output(task)
        return {"id": task.id, "createdAt": self.clock.iso(task.created), "model": task.model,
                "input": task.input, "output": task.output, "status": task.status,
                "completedAt": self.clock.iso(task.completed) if task.completed else None}

    def create(self, key, model, body, webhook, base_url):
        validate_create(model, body)
        cost = credits_for(model, body)
        with self.lock:
            if self.balances[key] < cost:
                raise ApiError(402, "Insufficient credits")
            self.balances[key] -= cost
            stored = dict(body)
            if isinstance(stored.get("image"), str) and DATA_URI.match(stored["image"]):
                stored["image"] = self._store_image(stored["image"])
            task_id = "ck" + "".join(secrets.choice(string.ascii_lowercase + string.digits)
                                     for _ in range(23))
            outcome = self.next_outcomes.pop(0) if self.next_outcomes else "COMPLETED"
            task = Task(task_id, key, model, stored, cost, self.clock.now(), outcome, webhook,
                        random.uniform(0, self.progress_jitter))
            self.tasks[task_id] = task
            self.order.append(task_id)
        return {"status": "SUBMITTED", "taskId": task_id,
                "responseUrl": f"{base_url}/api/v1/tasks/{task_id}",
                "statusUrl": f"{base_url}/api/v1/tasks/{task_id}/status",
                "cancelUrl": f"{base_url}/api/v1/tasks/{task_id}/cancel"}

    def _store_image(self, data_uri):
        match = DATA_URI.match(data_uri)
        data = base64.b64decode(match.group(2))
        ext = match.group(1).split("/")[1].split("+")[0].replace("jpeg", "jpg")
        name = hashlib.sha256(data).hexdigest()[:20] + "." + ext
        self.images[name] = (match.group(1), data)
        return f"{self.media_url}/images/{name}"

    # -- rate limit ---------------------------------------------------------------------------
    def check_query_limit(self, ip):
        """Sliding one-minute window per IP; returns seconds to wait, or 0."""
        with self.lock:
            now = self.clock.now()
            window = [t for t in self.query_times.get(ip, []) if now - t < 60]
            if len(window) >= self.query_limit:
                self.query_times[ip] = window
                self.rate_limited += 1
                return max(1, math.ceil(60 - (now - window[0])))
            window.append(now)
            self.query_times[ip] = window
            return 0

    def take_fault(self, target):
        with self.lock:
            for fault in self.faults:
                if fault["target"] == target and fault["times"] > 0:
                    fault["times"] -= 1
                    return dict(fault)
        return None


def _handler(sandbox, server_name):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "AIVideoMakerSandbox/1.0"

        def log_message(self, fmt, *args):  # keep test output clean; the request log has it all
            pass

        # -- plumbing -------------------------------------------------------------------------
        def _record(self, body_size):
            parsed = urllib.parse.urlsplit(self.path)
            entry = {"server": server_name, "method": self.command, "path": parsed.path,
                     "query": parsed.query, "headers": dict(self.headers.items()),
                     "bodyBytes": body_size, "at": sandbox.clock.now()}
            with sandbox.lock:
                sandbox.requests.append(entry)
            return parsed

        def _send(self, status, payload, headers=None):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status, message, headers=None):
            self._send(status, {"status": "FAILED", "message": message}, headers)

        def _read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise ApiError(413, "Request body too large")
            return self.rfile.read(length) if length else b""

        def _apply_fault(self, target):
            """Serve the next injected fault for `target`; True when it answered the request."""
            fault = sandbox.take_fault(target)
            return bool(fault) and self._serve_fault(fault)

        def _serve_fault(self, fault):
            kind = fault["fault"]
            if kind == "429":
                self._error(429, "Too many requests", {"Retry-After": str(fault["retry_after"])})
            elif kind in ("500", "502", "503"):
                self._error(int(kind), "Internal server error")
            elif kind == "html":
                page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                self.send_response(502)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
            elif kind == "badjson":
                body = b'{"status": "SUBMI'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif kind == "shape":
                self._send(200, {"unexpected": {"shape": True}})
            elif kind == "reset":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "4096")
                self.end_headers()
                self.wfile.write(b'{"status": ')
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            elif kind == "stall":
                sandbox._stop.wait(fault["seconds"])
                self.close_connection = True
            elif kind == "redirect":
                other = sandbox.media_url if server_name == "api" else sandbox.url
                self.send_response(302)
                self.send_header("Location", other + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                return False  # truncate/expire are served by the video handler itself
            return True

        # -- API ------------------------------------------------------------------------------
        def _authorise(self):
            key = self.headers.get("key")
            if not key or key not in sandbox.balances:
                raise ApiError(401, "Invalid or missing API key")
            return key

        def _api(self, body):
            parsed = urllib.parse.urlsplit(self.path)
            path = parsed.path.rstrip("/")
            match = re.fullmatch(r"/api/v1/generate/([^/]+)", path)
            if match:
                if self.command != "POST":
                    raise ApiError(405, "Method not allowed")
                key = self._authorise()
                fault = sandbox.take_fault("create")
                if fault and fault["fault"] != "lost" and self._serve_fault(fault):
                    return
                model = match.group(1)
                if model not in MODELS:
                    raise ApiError(404, f"Unknown model: {model}")
                try:
                    payload = json.loads(body or b"null")
                except ValueError:
                    raise ApiError(400, "Request body is not valid JSON") from None
                host = self.headers.get("Host") or sandbox.url.split("//")[1]
                result = sandbox.create(key, model, payload, self.headers.get("webhookUrl"),
                                        f"http://{host}")
                if fault:
                    return self._serve_fault(dict(fault, fault="reset"))
                return self._send(200, result)
            match = re.fullmatch(r"/api/v1/tasks(?:/([^/]+)(?:/(status|cancel))?)?", path)
            if not match:
                raise ApiError(404, "Not found")
            task_id, action = match.groups()
            target = action or ("get" if task_id else "list")
            expected = "PUT" if action == "cancel" else "GET"
            if self.command != expected:
                raise ApiError(405, "Method not allowed")
            key = self._authorise()
            if target != "cancel":
                wait = sandbox.check_query_limit(self.client_address[0])
                if wait:
                    raise _RateLimited(wait)
            if self._apply_fault(target):
                return
            with sandbox.lock:
                if target == "list":
                    tasks = [sandbox.tasks[i] for i in reversed(sandbox.order)
                             if sandbox.tasks[i].key == key]
                    return self._send(200, {"tasks": [sandbox.task_json(t) for t in tasks]})
                task = sandbox.tasks.get(task_id)
                if task is None or task.key != key:
                    raise ApiError(404, "Task not found")
                if target == "status":
                    return self._send(200, {"status": task.status})
                if target == "get":
                    return self._send(200, sandbox.task_json(task))
                if task.status != "SUBMITTED":
                    raise ApiError(400, f"Task cannot be cancelled in status {task.status}")
                sandbox._transition(task, "CANCEL")
                return self._send(200, {"status": "CANCEL", "taskId": task.id})

        # -- media ----------------------------------------------------------------------------
        def _media(self):
            parsed = urllib.parse.urlsplit(self.path)
            if self.command not in ("GET", "HEAD"):
                raise ApiError(405, "Method not allowed")
            image = re.fullmatch(r"/images/([a-z0-9]+\.[a-z]+)", parsed.path)
            if image and image.group(1) in sandbox.images:
                mime, data = sandbox.images[image.group(1)]
                return self._bytes(200, data, mime)
            match = re.fullmatch(r"/videos/([a-z0-9]+)\.mp4", parsed.path)
            task = sandbox.tasks.get(match.group(1)) if match else None
            if not task or task.status != "COMPLETED":
                raise ApiError(404, "Not found")
            token = urllib.parse.parse_qs(parsed.query).get("token", ["0"])[0]
            fault = sandbox.take_fault("video")
            if fault and fault["fault"] == "expire":
                with sandbox.lock:
                    task.expired_token = int(token)
            if task.expired_token is not None and token.isdigit() and \
                    int(token) <= task.expired_token:
                raise ApiError(403, "Signed URL expired")
            if fault and self._serve_fault(fault):
                return
            total = self.video_size()
            start = 0
            ranged = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if ranged and int(ranged.group(1)) < total:
                start = int(ranged.group(1))
            self.send_response(206 if start else 200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(total - start))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{total - 1}/{total}")
            self.end_headers()
            if self.command == "HEAD":
                return
            limit = total // 2 if fault and fault["fault"] == "truncate" else total
            self._stream_video(start, limit)
            if limit < total:
                self.close_connection = True

        def video_size(self):
            return max(sandbox.video_bytes or 0, len(SAMPLE_VIDEO))

        def _stream_video(self, start, stop):
            """The sample MP4, then (for large sizes) one 'free' box of padding: still valid MP4."""
            total = self.video_size()
            pad = total - len(SAMPLE_VIDEO)
            header = b""
            if pad:
                header = pad.to_bytes(4, "big") + b"free" if pad < 2 ** 32 else b""
            prefix = SAMPLE_VIDEO + header
            position = start
            chunk = b"\0" * 65536
            began = time.monotonic()
            while position < stop:
                if position < len(prefix):
                    piece = prefix[position:min(stop, len(prefix))]
                else:
                    piece = chunk[:min(len(chunk), stop - position)]
                self.wfile.write(piece)
                position += len(piece)
                if sandbox.media_rate:
                    ahead = (position - start) / sandbox.media_rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)

        def _bytes(self, status, data, mime):
            self.send_response(status)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        # -- dispatch -------------------------------------------------------------------------
        def _dispatch(self):
            try:
                body = self._read_body()
                self._record(len(body))
                if server_name == "api":
                    self._api(body)
                else:
                    self._media()
            except _RateLimited as exc:
                self._error(429, "Too many requests", {"Retry-After": str(exc.seconds)})
            except ApiError as exc:
                self._error(exc.http_status, exc.message)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _dispatch

    return Handler


class _RateLimited(Exception):
    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run the AIVideoMaker API sandbox on loopback.",
        epilog="Example: python3 sandbox/server.py --progress-seconds 3\n"
               "then: AIVIDEO_BASE_URL=<printed baseUrl> AIVIDEO_API_KEY=sandbox-key "
               "python3 scripts/create_task.py t2v --prompt 'a red fox' --wait",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="API port (default: a free one)")
    parser.add_argument("--media-port", type=int, default=0, help="media host port")
    parser.add_argument("--key", action="append", help=f"accepted API key (default {DEFAULT_KEY})")
    parser.add_argument("--credits", type=int, default=1000, help="starting balance per key")
    parser.add_argument("--submitted-seconds", type=float, default=2.0)
    parser.add_argument("--progress-seconds", type=float, default=8.0)
    parser.add_argument("--query-limit", type=int, default=QUERY_LIMIT_PER_MINUTE,
                        help="query requests per minute per IP")
    parser.add_argument("--output-shape", choices=OUTPUT_SHAPES, default="object")
    parser.add_argument("--progress-jitter", type=float, default=0.0,
                        help="each task takes up to this many seconds longer (random)")
    parser.add_argument("--video-bytes", type=int, default=None,
                        help="size of each result video (padded sample MP4)")
    parser.add_argument("--media-rate", type=float, default=None,
                        help="limit each video transfer to this many bytes a second")
    args = parser.parse_args(argv)
    sandbox = Sandbox(host=args.host, port=args.port, media_port=args.media_port,
                      keys=tuple(args.key or [DEFAULT_KEY]), credits=args.credits,
                      submitted_seconds=args.submitted_seconds,
                      progress_seconds=args.progress_seconds, query_limit=args.query_limit,
                      output_shape=args.output_shape, video_bytes=args.video_bytes,
                      progress_jitter=args.progress_jitter, media_rate=args.media_rate)
    sandbox.start()
    print(json.dumps({"baseUrl": sandbox.url, "mediaUrl": sandbox.media_url,
                      "keys": sorted(sandbox.balances)}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
