"""list_tasks.py, get_task.py, cancel.py and download.py against the sandbox."""
import pytest
from conftest import run_script

from sandbox.server import Sandbox

T2V = ["t2v", "--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "5"]
I2V = ["i2v", "--image", "https://example.com/a.png", "--duration", "5"]


def test_list_is_compact_newest_first_and_filters(run, slow_sandbox):
    first = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    second = run("create_task.py", *I2V, box=slow_sandbox).json["taskId"]
    slow_sandbox.set_status(first, "COMPLETED")
    result = run("list_tasks.py", box=slow_sandbox)
    assert result.code == 0
    assert [t["taskId"] for t in result.json["tasks"]] == [second, first]
    assert set(result.json["tasks"][0]) == {"taskId", "model", "status", "createdAt",
                                            "completedAt"}
    assert [t["taskId"] for t in run("list_tasks.py", "--status", "completed",
                                     box=slow_sandbox).json["tasks"]] == [first]
    assert [t["taskId"] for t in run("list_tasks.py", "--model", "i2v",
                                     box=slow_sandbox).json["tasks"]] == [second]
    limited = run("list_tasks.py", "--limit", "1", box=slow_sandbox).json
    assert limited["count"] == 1 and limited["matching"] == 2


def test_get_task_shows_input_output_and_times(run, sandbox):
    task_id = run("create_task.py", *T2V).json["taskId"]
    result = run("get_task.py", task_id)
    assert result.code == 0
    assert result.json["input"] == {"prompt": "a fox", "aspectRatio": "16:9", "duration": "5"}
    assert result.json["status"] == "COMPLETED" and result.json["completedAt"]
    assert result.json["videoUrls"] == [result.json["output"]["videoUrl"]]


def test_get_unknown_task(run, sandbox):
    result = run("get_task.py", "ckmissing")
    assert result.code == 8 and result.error["code"] == "TASK_NOT_FOUND"


def test_cancel_submitted_task(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    result = run("cancel.py", task_id, box=slow_sandbox)
    assert result.code == 0 and result.json["status"] == "CANCEL"
    assert slow_sandbox.balances[list(slow_sandbox.balances)[0]] == 1000


def test_cancel_running_task_is_refused_with_its_status(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    slow_sandbox.advance(12)
    result = run("cancel.py", task_id, box=slow_sandbox)
    assert result.code == 8 and result.error["code"] == "CANCEL_NOT_ALLOWED"
    assert result.error["status"] == "PROGRESS"


def test_download_saves_only_the_video(run, sandbox, tmp_path):
    task_id = run("create_task.py", *T2V).json["taskId"]
    out = tmp_path / "out"
    result = run("download.py", task_id, "--dir", out)
    assert result.code == 0
    (saved,) = result.json["files"]
    assert [p.name for p in out.iterdir()] == [f"{task_id}.mp4"]
    assert saved["bytes"] == (out / f"{task_id}.mp4").stat().st_size
    assert len(saved["sha256"]) == 64


def test_download_to_exact_file_reuses_and_protects(run, sandbox, tmp_path):
    task_id = run("create_task.py", *T2V).json["taskId"]
    target = tmp_path / "clip.mp4"
    assert run("download.py", task_id, "--output", target).json["files"][0]["reused"] is False
    media_before = len(sandbox.requests_to("media"))
    again = run("download.py", task_id, "--output", target)
    assert again.json["files"][0]["reused"] is True
    assert len(sandbox.requests_to("media")) == media_before
    target.write_bytes(b"someone else's file")
    clash = run("download.py", task_id, "--output", target)
    assert clash.code == 2 and target.read_bytes() == b"someone else's file"
    forced = run("download.py", task_id, "--output", target, "--force")
    assert forced.code == 0 and target.read_bytes()[4:8] == b"ftyp"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "state"]


def test_download_of_unfinished_task(run, slow_sandbox, tmp_path):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    result = run("download.py", task_id, "--dir", tmp_path / "v", box=slow_sandbox)
    assert result.code == 6 and "poll.py" in result.error["hint"]
    slow_sandbox.fail_next()
    failed = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    slow_sandbox.advance(60)
    assert run("download.py", failed, box=slow_sandbox).error["code"] == "TASK_FAILED"


@pytest.mark.parametrize("shape", ["string", "list", "nested", "object"])
def test_video_found_in_any_output_shape(tmp_path, shape):
    from conftest import CANARY_KEY
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=0, progress_seconds=0,
                 output_shape=shape) as box:
        result = run_script("create_task.py", *I2V, "--wait", "--download", tmp_path / "v",
                            box=box)
        assert result.code == 0, result
        assert result.json["files"][0]["bytes"] > 1000
        assert len(result.json["videoUrls"]) == 1 and "/videos/" in result.json["videoUrls"][0]


def test_key_is_never_sent_to_the_video_host(run, sandbox, tmp_path):
    run("create_task.py", *T2V, "--wait", "--download", tmp_path / "v")
    media = sandbox.requests_to("media")
    assert media and all("key" not in {h.lower() for h in r["headers"]} for r in media)
    assert all(r["headers"].get("key") for r in sandbox.requests_to("api"))
