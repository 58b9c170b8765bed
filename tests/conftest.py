"""Shared fixtures: an isolated state folder for every test, a fresh sandbox, and a runner
that calls the scripts as an agent does and checks the output contract on every call."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(ROOT))

from sandbox.server import Sandbox  # noqa: E402

# Every script run is checked for this key in its output; see run_script.
CANARY_KEY = "sk-canary-7f3a9c1e5b2d4086"


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        assert len(lines) == 1, f"stdout must be one JSON line, got: {proc.stdout!r} " \
                                f"(stderr: {proc.stderr[-2000:]})"
        self.json = json.loads(lines[0])
        assert isinstance(self.json, dict) and isinstance(self.json.get("ok"), bool)

    @property
    def error(self):
        return self.json.get("error") or {}

    def __repr__(self):
        return f"<exit {self.code} {self.stdout.strip()[:500]} stderr={self.stderr[-500:]!r}>"


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """No test reads or writes the user's real state, keys or settings."""
    state = tmp_path / "state"
    for name in list(os.environ):
        if name.startswith("AIVIDEO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AIVIDEO_STATE_DIR", str(state))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    return state


@pytest.fixture
def sandbox():
    """A fresh API sandbox whose tasks finish at once unless a test moves its clock."""
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=0.0, progress_seconds=0.0) as box:
        yield box


@pytest.fixture
def slow_sandbox():
    """A sandbox whose tasks take 30 s of sandbox time: tests advance its clock."""
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=10.0, progress_seconds=20.0) as box:
        yield box


def script_env(box=None, **extra):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1",
           "HOME": os.environ["HOME"], "AIVIDEO_STATE_DIR": os.environ["AIVIDEO_STATE_DIR"]}
    if box is not None:
        env.update(AIVIDEO_BASE_URL=box.url, AIVIDEO_API_KEY=CANARY_KEY)
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def run_script(name, *args, box=None, env=None, stdin=None, timeout=90, cwd=None):
    """Run scripts/<name> as a subprocess; assert the contract (one JSON line, key unseen)."""
    proc = subprocess.run([sys.executable, str(SCRIPTS / name), *map(str, args)],
                          input=stdin, capture_output=True, text=True, timeout=timeout,
                          env=env if env is not None else script_env(box), cwd=cwd)
    assert CANARY_KEY not in proc.stdout and CANARY_KEY not in proc.stderr, "key leaked"
    assert "Traceback" not in proc.stdout and "Traceback" not in proc.stderr
    return Result(proc)


@pytest.fixture
def run(sandbox):
    """run("create_task.py", "t2v", ...) against the default sandbox."""
    def runner(name, *args, **kwargs):
        kwargs.setdefault("box", sandbox)
        return run_script(name, *args, **kwargs)
    return runner


def creates(box):
    return box.requests_to("api", "/api/v1/generate/")


def write_png(path, size=16):
    """A real PNG file (magic bytes and all), made without any image library."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([200, 120, 40]) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) \
        + chunk(b"IEND", b"")
    Path(path).write_bytes(png)
    return Path(path)
