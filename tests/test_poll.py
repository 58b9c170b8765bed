"""Waiting: every terminal status, timeouts that name the way back, many tasks in one request."""
import subprocess
import sys
import time

from conftest import SCRIPTS, run_script, script_env

T2V = ["t2v", "--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "5"]


def test_one_call_path_creates_waits_and_downloads(run, sandbox, tmp_path):
    out = tmp_path / "videos"
    result = run("create_task.py", *T2V, "--wait", "--download", out)
    assert result.code == 0, result
    assert result.json["status"] == "COMPLETED" and result.json["credits"] == 5
    (saved,) = result.json["files"]
    assert saved["path"] == str(out / f"{result.json['taskId']}.mp4")
    data = (out / f"{result.json['taskId']}.mp4").read_bytes()
    assert saved["bytes"] == len(data) and data[4:8] == b"ftyp"
    assert [p.name for p in out.iterdir()] == [f"{result.json['taskId']}.mp4"]
    assert result.json["videoUrls"] and result.json["output"]


def test_poll_reports_completed_with_video_url(run, sandbox):
    task_id = run("create_task.py", *T2V).json["taskId"]
    result = run("poll.py", task_id)
    assert result.code == 0
    (task,) = result.json["tasks"]
    assert task["status"] == "COMPLETED" and "/videos/" in task["videoUrls"][0]


def test_failed_task_exits_7_and_is_refunded(run, sandbox):
    sandbox.fail_next()
    result = run("create_task.py", *T2V, "--wait")
    assert result.code == 7 and result.error["code"] == "TASK_FAILED"
    assert result.error["taskIds"] == [result.error["taskId"]]
    assert sandbox.balances[list(sandbox.balances)[0]] == 1000


def test_cancelled_task_exits_7(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    assert run("cancel.py", task_id, box=slow_sandbox).json["status"] == "CANCEL"
    result = run("poll.py", task_id, box=slow_sandbox)
    assert result.code == 7 and result.error["code"] == "TASK_CANCELLED"


def test_timeout_names_running_tasks_and_the_resume_command(run, slow_sandbox, tmp_path):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    result = run("poll.py", task_id, "--timeout", "1.5", "--download", tmp_path,
                 box=slow_sandbox)
    assert result.code == 6 and result.error["code"] == "TIMEOUT"
    assert result.error["taskIds"] == [task_id]
    assert "poll.py" in result.error["resume"] and task_id in result.error["resume"]
    assert "--download" in result.error["resume"]
    slow_sandbox.advance(60)
    resumed = run("poll.py", task_id, "--download", tmp_path, box=slow_sandbox)
    assert resumed.code == 0 and resumed.json["tasks"][0]["files"]
    assert len(slow_sandbox.requests_to("api", "/api/v1/generate")) == 1


def test_once_reports_without_waiting(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    result = run("poll.py", task_id, "--once", box=slow_sandbox)
    assert result.code == 0 and result.json["tasks"][0]["status"] == "SUBMITTED"
    slow_sandbox.advance(15)
    result = run("poll.py", task_id, "--once", box=slow_sandbox)
    assert result.json["tasks"][0]["status"] == "PROGRESS"


def test_progress_goes_to_stderr_one_line_per_change(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    proc = subprocess.Popen([sys.executable, str(SCRIPTS / "poll.py"), task_id],
                            env=script_env(slow_sandbox), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)

    def after_checks(count):  # move the clock only once poll.py has looked `count` times
        deadline = time.monotonic() + 30
        while len(slow_sandbox.requests_to("api", "/api/v1/tasks")) < count and \
                time.monotonic() < deadline:
            time.sleep(0.02)
    after_checks(1)
    slow_sandbox.advance(15)
    after_checks(2)
    slow_sandbox.advance(60)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stdout
    lines = [line for line in stderr.splitlines() if task_id in line]
    assert [line.split(": ")[1].split(" ")[0] for line in lines] == \
        ["SUBMITTED", "PROGRESS", "COMPLETED"]


def test_many_tasks_use_one_list_request_per_cycle(run, slow_sandbox):
    ids = [run("create_task.py", *T2V, box=slow_sandbox).json["taskId"] for _ in range(3)]
    slow_sandbox.advance(60)
    result = run("poll.py", *ids, box=slow_sandbox)
    assert result.code == 0 and {t["taskId"] for t in result.json["tasks"]} == set(ids)
    queries = [r["path"] for r in slow_sandbox.requests_to("api", "/api/v1/tasks")]
    assert queries == ["/api/v1/tasks"]


def test_unknown_task_id(run, sandbox):
    result = run("poll.py", "cknotthere")
    assert result.code == 8 and result.error["code"] == "TASK_NOT_FOUND"


def test_bad_task_id_is_invalid_input(run, sandbox):
    result = run("poll.py", "../../etc/passwd")
    assert result.code == 2 and sandbox.requests == []


def test_pending_resumes_every_unfinished_journalled_task(run, slow_sandbox, tmp_path):
    ids = [run("create_task.py", *T2V, box=slow_sandbox).json["taskId"] for _ in range(2)]
    slow_sandbox.advance(60)
    out = tmp_path / "videos"
    result = run("poll.py", "--pending", "--download", out, box=slow_sandbox)
    assert result.code == 0
    assert sorted(t["taskId"] for t in result.json["tasks"]) == sorted(ids)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{i}.mp4" for i in ids)
    again = run("poll.py", "--pending", box=slow_sandbox)
    assert again.code == 0 and again.json["tasks"] == []


def test_unknown_status_is_reported_not_looped_on(run, slow_sandbox):
    task_id = run("create_task.py", *T2V, box=slow_sandbox).json["taskId"]
    slow_sandbox.tasks[task_id].status = "MYSTERY"
    result = run("poll.py", task_id, "--timeout", "30", box=slow_sandbox)
    assert result.code == 9 and result.error["code"] == "UNEXPECTED_RESPONSE"
    assert len(slow_sandbox.requests_to("api", "/api/v1/tasks")) == 3


def test_missing_key(sandbox):
    env = script_env(None, AIVIDEO_BASE_URL=sandbox.url)
    result = run_script("poll.py", "ckabc", env=env)
    assert result.code == 3 and result.error["code"] == "MISSING_API_KEY"
    assert sandbox.requests == []


def test_concurrent_pollers_share_one_machine_wide_budget(slow_sandbox):
    """Three poll.py processes at once, a budget of 4 a minute: at most 4 requests, no 429."""
    ids = [run_script("create_task.py", *T2V, box=slow_sandbox).json["taskId"] for _ in range(3)]
    env = script_env(slow_sandbox, AIVIDEO_QUERY_BUDGET="4")
    procs = [subprocess.Popen([sys.executable, str(SCRIPTS / "poll.py"), task_id, "--timeout",
                               "3"], env=env, stdout=subprocess.PIPE, text=True)
             for task_id in ids]
    outputs = [proc.communicate(timeout=30)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [6, 6, 6], outputs
    assert 3 <= len(slow_sandbox.requests_to("api", "/api/v1/tasks")) <= 4
    assert slow_sandbox.rate_limited == 0


def test_timeout_must_be_finite_and_positive(run, sandbox):
    for value in ("0", "-5", "inf", "nan", "soon"):
        result = run("poll.py", "ckabc", "--timeout", value)
        assert result.code == 2 and result.error["code"] == "INVALID_INPUT", value
    assert sandbox.requests == []
