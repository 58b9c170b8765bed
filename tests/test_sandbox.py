"""The sandbox itself, over plain HTTP: it must behave as the reference says, because the
scripts are only as well tested as the server they are tested against."""
import base64
import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import CANARY_KEY, ROOT, write_png

from sandbox.server import Sandbox


def call(box, method, path, body=None, key=CANARY_KEY, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(box.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"key": key} if key else {}),
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), dict(exc.headers)


def test_create_answer_matches_the_reference(sandbox):
    status, body, _ = call(sandbox, "POST", "/api/v1/generate/t2v",
                           {"prompt": "x", "aspectRatio": "16:9", "duration": "8"})
    assert status == 200 and body["status"] == "SUBMITTED"
    task_id = body["taskId"]
    assert body["responseUrl"].endswith(f"/api/v1/tasks/{task_id}")
    assert body["statusUrl"].endswith(f"/api/v1/tasks/{task_id}/status")
    assert body["cancelUrl"].endswith(f"/api/v1/tasks/{task_id}/cancel")


@pytest.mark.parametrize("model, body", [
    ("t2v", {"prompt": "x", "aspectRatio": "4:3", "duration": "8"}),
    ("t2v", {"prompt": "x", "aspectRatio": "16:9", "duration": 8}),
    ("t2v", {"prompt": "x", "aspectRatio": "16:9", "duration": "10"}),
    ("i2v", {"prompt": "x", "duration": "5"}),
    ("lv", {"image": "https://e.com/a.png", "prompt": ["p"] * 7}),
    ("lv", {"image": "https://e.com/a.png", "prompt": ["p"], "duration": "5"}),
    ("t2v_v3", {"prompt": "x", "aspectRatio": "16:9", "duration": "8"}),
    ("i2v_v3", {"image": "data:image/png;base64,@@@", "duration": "5"}),
])
def test_invalid_creates_are_refused_with_the_error_shape(sandbox, model, body):
    status, answer, _ = call(sandbox, "POST", f"/api/v1/generate/{model}", body)
    assert status == 400 and answer["status"] == "FAILED" and answer["message"]
    assert sandbox.tasks == {}


def test_missing_or_wrong_key_is_401(sandbox):
    assert call(sandbox, "GET", "/api/v1/tasks", key=None)[0] == 401
    assert call(sandbox, "GET", "/api/v1/tasks", key="nope")[0] == 401


def test_insufficient_credits_and_refund_on_failure(sandbox):
    sandbox.balances[CANARY_KEY] = 10
    body = {"prompt": "x", "aspectRatio": "1:1", "duration": "8"}
    assert call(sandbox, "POST", "/api/v1/generate/t2v", body)[0] == 200
    status, answer, _ = call(sandbox, "POST", "/api/v1/generate/t2v", body)
    assert (status, answer) == (402, {"status": "FAILED", "message": "Insufficient credits"})
    sandbox.fail_next()
    sandbox.balances[CANARY_KEY] = 8
    call(sandbox, "POST", "/api/v1/generate/t2v", body)
    sandbox.advance(1)
    assert sandbox.balances[CANARY_KEY] == 8


def test_lifecycle_on_the_clock_and_cancel_only_while_submitted(slow_sandbox):
    body = {"prompt": "x", "aspectRatio": "1:1", "duration": "5"}
    first = call(slow_sandbox, "POST", "/api/v1/generate/t2v", body)[1]["taskId"]
    second = call(slow_sandbox, "POST", "/api/v1/generate/t2v", body)[1]["taskId"]
    assert call(slow_sandbox, "GET", f"/api/v1/tasks/{first}/status")[1] == {"status": "SUBMITTED"}
    assert call(slow_sandbox, "PUT", f"/api/v1/tasks/{second}/cancel")[0] == 200
    slow_sandbox.advance(11)
    assert call(slow_sandbox, "GET", f"/api/v1/tasks/{first}/status")[1]["status"] == "PROGRESS"
    status, answer, _ = call(slow_sandbox, "PUT", f"/api/v1/tasks/{first}/cancel")
    assert status == 400 and "PROGRESS" in answer["message"]
    slow_sandbox.advance(20)
    task = call(slow_sandbox, "GET", f"/api/v1/tasks/{first}")[1]
    assert task["status"] == "COMPLETED" and task["completedAt"] and task["output"]
    listed = call(slow_sandbox, "GET", "/api/v1/tasks")[1]["tasks"]
    assert [t["id"] for t in listed] == [second, first]
    assert listed[0]["status"] == "CANCEL"
    assert set(listed[1]) == {"id", "createdAt", "model", "input", "output", "status",
                              "completedAt"}


def test_rate_limit_429_with_retry_after_on_query_endpoints_only():
    with Sandbox(keys=(CANARY_KEY,), query_limit=3) as box:
        for _ in range(3):
            assert call(box, "GET", "/api/v1/tasks")[0] == 200
        status, _, headers = call(box, "GET", "/api/v1/tasks")
        assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
        body = {"prompt": "x", "aspectRatio": "1:1", "duration": "5"}
        assert call(box, "POST", "/api/v1/generate/t2v", body)[0] == 200
        box.advance(61)
        assert call(box, "GET", "/api/v1/tasks")[0] == 200


def test_data_uri_is_stored_and_replaced_by_a_url(sandbox, tmp_path):
    png = write_png(tmp_path / "a.png").read_bytes()
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    task_id = call(sandbox, "POST", "/api/v1/generate/i2v", {"image": uri, "duration": "5"})[1][
        "taskId"]
    stored = call(sandbox, "GET", f"/api/v1/tasks/{task_id}")[1]["input"]["image"]
    assert stored.startswith(sandbox.media_url)
    with urllib.request.urlopen(stored, timeout=5) as response:
        assert response.read() == png


def test_result_video_is_a_real_mp4(sandbox):
    body = {"prompt": "x", "aspectRatio": "1:1", "duration": "5"}
    task_id = call(sandbox, "POST", "/api/v1/generate/t2v", body)[1]["taskId"]
    sandbox.advance(1)
    url = call(sandbox, "GET", f"/api/v1/tasks/{task_id}")[1]["output"]["videoUrl"]
    with urllib.request.urlopen(url, timeout=5) as response:
        data = response.read()
        assert response.headers["Content-Type"] == "video/mp4"
    assert data[4:8] == b"ftyp" and b"moov" in data and b"avc1" in data


def test_large_video_is_padded_with_a_valid_free_box():
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=0, progress_seconds=0,
                 video_bytes=300_000) as box:
        body = {"prompt": "x", "aspectRatio": "1:1", "duration": "5"}
        task_id = call(box, "POST", "/api/v1/generate/t2v", body)[1]["taskId"]
        box.advance(1)
        url = call(box, "GET", f"/api/v1/tasks/{task_id}")[1]["output"]["videoUrl"]
        data = urllib.request.urlopen(url, timeout=5).read()
    assert len(data) == 300_000
    position = 0
    while position < len(data):  # walk the top-level MP4 boxes: they must tile the file
        size = int.from_bytes(data[position:position + 4], "big")
        assert size >= 8
        position += size
    assert position == len(data)


def test_server_command_starts_on_a_free_port_and_prints_its_url():
    proc = subprocess.Popen([sys.executable, str(ROOT / "sandbox" / "server.py")],
                            stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert info["baseUrl"].startswith("http://127.0.0.1:")
        with urllib.request.urlopen(urllib.request.Request(
                info["baseUrl"] + "/api/v1/tasks", headers={"key": info["keys"][0]})) as r:
            assert json.loads(r.read()) == {"tasks": []}
    finally:
        proc.terminate()
        proc.wait(5)
