"""The task journal: written before and after every create, safe with many writers, and the
way back to any paid task after a crash."""
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

from aivideo.journal import Journal
from conftest import SCRIPTS, creates, script_env, write_png

T2V = ["t2v", "--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "5"]


def journal_lines(state):
    return [json.loads(line) for line in (state / "journal.jsonl").read_text().splitlines()]


def test_create_is_journalled_before_and_after_sending(run, sandbox, isolated_state):
    task_id = run("create_task.py", *T2V).json["taskId"]
    events = journal_lines(isolated_state)
    assert [e["event"] for e in events] == ["submit", "created"]
    assert events[0]["ref"] == events[1]["ref"] and events[1]["taskId"] == task_id
    assert events[0]["input"] == {"prompt": "a fox", "aspectRatio": "16:9", "duration": "5"}
    assert events[0]["api"] == sandbox.url and events[0]["credits"] == 5


def test_status_changes_and_files_are_journalled(run, sandbox, isolated_state, tmp_path):
    task_id = run("create_task.py", *T2V, "--wait", "--download", tmp_path / "v").json["taskId"]
    events = journal_lines(isolated_state)
    assert {"status", "file"} <= {e["event"] for e in events}
    (saved,) = [e for e in events if e["event"] == "file"]
    assert saved["taskId"] == task_id and len(saved["sha256"]) == 64


def test_image_data_is_never_journalled(run, sandbox, isolated_state, tmp_path):
    png = write_png(tmp_path / "a.png", size=64)
    run("create_task.py", "i2v", "--image", png, "--duration", "5")
    text = (isolated_state / "journal.jsonl").read_text()
    assert "base64," not in text and "image/png data URI" in text


def test_local_list_shows_unanswered_creates(run, sandbox):
    sandbox.add_fault("create", "reset")
    run("create_task.py", *T2V)
    result = run("list_tasks.py", "--local")
    assert result.code == 0
    (entry,) = result.json["tasks"]
    assert entry["status"] == "UNCERTAIN" and entry["taskId"] is None


def test_local_list_needs_no_key_or_network(isolated_state):
    from conftest import run_script
    Journal(isolated_state).append("track", taskId="ckabc", api="https://x", status="PROGRESS")
    result = run_script("list_tasks.py", "--local", env=script_env(None))
    assert result.code == 0 and result.json["tasks"][0]["taskId"] == "ckabc"


def test_torn_last_line_is_skipped(isolated_state):
    journal = Journal(isolated_state)
    journal.append("track", taskId="ckone", api="https://x")
    with open(journal.path, "a") as handle:
        handle.write('{"event": "track", "taskId": "cktw')
    assert [e["taskId"] for e in journal.tasks()] == ["ckone"]
    journal.append("track", taskId="cktwo", api="https://x")
    assert [e["taskId"] for e in journal.tasks()] == ["ckone", "cktwo"]


def _write_many(path, worker, count):
    journal = Journal(path)
    for i in range(count):
        journal.append("track", taskId=f"ck{worker}x{i}", api="https://x", pad="p" * 3000)


def test_concurrent_writers_do_not_corrupt_it(isolated_state):
    workers = [multiprocessing.Process(target=_write_many, args=(isolated_state, w, 150))
               for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    lines = (isolated_state / "journal.jsonl").read_text().splitlines()
    assert len(lines) == 600 and all(json.loads(line)["pad"] for line in lines)


def test_journal_file_is_private(run, sandbox, isolated_state):
    run("create_task.py", *T2V)
    assert (isolated_state / "journal.jsonl").stat().st_mode & 0o077 == 0


def test_process_killed_while_waiting_loses_nothing(slow_sandbox, tmp_path):
    """Kill create_task.py --wait mid-wait; poll.py --pending then finishes the job."""
    proc = subprocess.Popen([sys.executable, str(SCRIPTS / "create_task.py"), *T2V, "--wait",
                             "--download", str(tmp_path / "v")], env=script_env(slow_sandbox),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not slow_sandbox.tasks and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    (task_id,) = slow_sandbox.tasks
    slow_sandbox.advance(60)
    from conftest import run_script
    result = run_script("poll.py", "--pending", "--download", tmp_path / "v", box=slow_sandbox)
    assert result.code == 0 and result.json["tasks"][0]["taskId"] == task_id
    assert (tmp_path / "v" / f"{task_id}.mp4").exists()
    assert len(creates(slow_sandbox)) == 1


def test_killed_before_the_answer_then_found_by_pending(run, sandbox, isolated_state):
    """A create whose answer was never journalled is found through the list."""
    sandbox.add_fault("create", "lost")
    # simulate the kill: the journal has the submit but neither created nor uncertain
    from aivideo.journal import fingerprint
    body = {"prompt": "a fox", "aspectRatio": "16:9", "duration": "5"}
    journal = Journal(isolated_state)
    journal.submit(sandbox.url, "t2v", body, 5, fingerprint(sandbox.url, "t2v", body))
    import requests
    from conftest import CANARY_KEY
    try:
        requests.post(sandbox.url + "/api/v1/generate/t2v", json=body,
                      headers={"key": CANARY_KEY}, timeout=5)
    except requests.exceptions.RequestException:
        pass  # the answer is lost, as when the process was killed
    (task_id,) = sandbox.tasks
    result = run("poll.py", "--pending")
    assert result.code == 0 and [t["taskId"] for t in result.json["tasks"]] == [task_id]
    rerun = run("create_task.py", *T2V)
    assert rerun.code == 0 and len(sandbox.tasks) == 2  # resolved, so a new create is allowed
    assert os.path.exists(journal.path)


def test_download_killed_midway_resumes_where_it_stopped(tmp_path):
    """Kill download.py during a slow transfer: the next run resumes with a Range request."""
    from conftest import CANARY_KEY, run_script

    from sandbox.server import Sandbox
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=0, progress_seconds=0,
                 video_bytes=3_000_000, media_rate=2_000_000) as box:
        task_id = run_script("create_task.py", *T2V, box=box).json["taskId"]
        out = tmp_path / "v"
        proc = subprocess.Popen([sys.executable, str(SCRIPTS / "download.py"), task_id,
                                 "--dir", str(out)], env=script_env(box),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        part = out / f".{task_id}.part"
        deadline = time.monotonic() + 20
        while (not part.exists() or part.stat().st_size < 500_000) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kept = part.stat().st_size
        assert 0 < kept < 3_000_000 and not (out / f"{task_id}.mp4").exists()
        result = run_script("download.py", task_id, "--dir", out, box=box)
        assert result.code == 0 and (out / f"{task_id}.mp4").stat().st_size == 3_000_000
        assert box.requests_to("media")[-1]["headers"]["Range"] == f"bytes={kept}-"
        assert sorted(p.name for p in out.iterdir()) == [f"{task_id}.mp4"]


def test_old_unanswered_create_does_not_adopt_a_newer_task(run, sandbox, isolated_state):
    """A create that never answered weeks ago must not claim today's identical task."""
    from aivideo.journal import fingerprint
    from conftest import CANARY_KEY
    body = {"prompt": "a fox", "aspectRatio": "16:9", "duration": "5"}
    Journal(isolated_state).append(
        "submit", ref="old", at="2026-01-01T00:00:00.000000Z", api=sandbox.url, model="t2v",
        input=body, credits=5, fingerprint=fingerprint(sandbox.url, "t2v", body))
    sandbox.create(CANARY_KEY, "t2v", dict(body), None, sandbox.url)  # made by someone else
    result = run("create_task.py", *T2V)
    assert result.code == 10 and result.error["ref"] == "old"
    assert len(sandbox.tasks) == 1
