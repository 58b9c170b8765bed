"""Every script under every fault the sandbox can inject: one JSON object, the documented exit
code, no traceback, no second create, and no partial file under a final name."""
import email.utils
import socket
import time

import pytest
from conftest import CANARY_KEY, creates, run_script, script_env

from sandbox.server import Sandbox

T2V = ["t2v", "--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "5"]


def no_partial_files(folder):
    return not folder.exists() or all(not p.name.endswith(".part") for p in folder.iterdir())


def test_wrong_key_is_auth_failed(sandbox):
    env = script_env(sandbox, AIVIDEO_API_KEY="sk-wrong-key-123")
    for script, args in (("create_task.py", T2V), ("list_tasks.py", [])):
        result = run_script(script, *args, env=env)
        assert result.code == 3 and result.error["code"] == "AUTH_FAILED"
        assert "sk-wrong-key-123" not in result.stdout + result.stderr
    assert sandbox.tasks == {}


@pytest.mark.parametrize("retry_after", ["1", "date"])
def test_429_is_waited_out_then_succeeds(run, sandbox, retry_after):
    if retry_after == "date":
        retry_after = email.utils.formatdate(time.time() + 2, usegmt=True)
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("status", "429", times=1, retry_after=retry_after)
    started = time.monotonic()
    result = run("poll.py", task_id)
    assert result.code == 0
    assert time.monotonic() - started >= 0.5
    assert [r["path"].rsplit("/", 1)[-1] for r in sandbox.requests_to("api", "/api/v1/tasks")] \
        [:2] == ["status", "status"]


def test_429_with_a_long_retry_after_is_reported_not_waited(run, sandbox):
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("get", "429", times=1, retry_after=600)
    result = run("get_task.py", task_id)
    assert result.code == 5 and result.error["code"] == "RATE_LIMITED"
    assert result.error["retryAfter"] == 600


@pytest.mark.parametrize("fault", ["500", "502", "503", "html", "badjson", "reset"])
def test_query_faults_are_retried(run, sandbox, fault):
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("get", fault, times=2)
    result = run("get_task.py", task_id)
    assert result.code == 0, result
    assert len(sandbox.requests_to("api", f"/api/v1/tasks/{task_id}")) == 3


@pytest.mark.parametrize("fault", ["500", "html"])
def test_persistent_server_errors_end_as_exit_9(run, sandbox, fault):
    sandbox.add_fault("list", fault, times=100)
    result = run("list_tasks.py", timeout=60)
    assert result.code == 9 and result.error["code"] == "SERVER_ERROR"
    assert result.error["retryable"] is True


def test_unexpected_shape(run, sandbox):
    sandbox.add_fault("list", "shape")
    result = run("list_tasks.py")
    assert result.code == 9 and result.error["code"] == "UNEXPECTED_RESPONSE"


def test_redirect_to_another_host_is_not_followed_with_the_key(run, sandbox):
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("get", "redirect")
    result = run("get_task.py", task_id)
    assert result.code == 9 and result.error["code"] == "UNEXPECTED_RESPONSE"
    assert all("key" not in r["headers"] for r in sandbox.requests_to("media"))


def test_stalled_status_times_out_and_retries(run, sandbox, monkeypatch):
    task_id = run("create_task.py", *T2V).json["taskId"]
    monkeypatch.setattr("aivideo.http.READ_TIMEOUT", 0.3)
    from aivideo.api import Api
    from aivideo.http import ApiClient
    sandbox.add_fault("status", "stall", seconds=2)
    client = ApiClient(sandbox.url, CANARY_KEY, sleep=lambda s: None)
    assert Api(client).status(task_id) == "COMPLETED"
    assert len(sandbox.requests_to("api", f"/api/v1/tasks/{task_id}/status")) == 2


def test_unreachable_server_is_network_error_within_30s(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = script_env(None, AIVIDEO_BASE_URL=f"http://127.0.0.1:{port}",
                     AIVIDEO_API_KEY=CANARY_KEY)
    started = time.monotonic()
    result = run_script("create_task.py", *T2V, env=env)
    assert result.code == 9 and result.error["code"] == "NETWORK_ERROR"
    assert "nothing was sent" in result.error["hint"]
    assert time.monotonic() - started < 30


def test_client_gives_up_on_unreachable_server_with_injected_sleep():
    from aivideo.errors import SkillError
    from aivideo.http import ApiClient
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    slept = []
    client = ApiClient(f"http://127.0.0.1:{port}", "k" * 8, sleep=slept.append)
    with pytest.raises(SkillError) as caught:
        client.query("GET", "/api/v1/tasks")
    assert caught.value.code == "NETWORK_ERROR"
    assert len(slept) >= 2 and sum(slept) <= 30  # at least 3 attempts, within the deadline


@pytest.mark.parametrize("fault", ["reset", "badjson", "502", "html"])
def test_ambiguous_create_that_made_no_task_is_uncertain(run, sandbox, fault):
    sandbox.add_fault("create", fault)  # answered before any task was made
    result = run("create_task.py", *T2V)
    assert result.code == 10 and result.error["code"] == "SUBMIT_UNCERTAIN"
    assert len(creates(sandbox)) == 1


def test_uncertain_create_is_not_sent_again_on_rerun(run, sandbox):
    sandbox.add_fault("create", "reset")
    assert run("create_task.py", *T2V).code == 10
    rerun = run("create_task.py", *T2V)
    assert rerun.code == 10 and "--resubmit" in rerun.error["hint"]
    assert len(creates(sandbox)) == 1
    forced = run("create_task.py", *T2V, "--resubmit")
    assert forced.code == 0 and len(creates(sandbox)) == 2


def test_lost_create_answer_finds_the_task_it_created(run, sandbox):
    sandbox.add_fault("create", "lost")  # created, then the connection drops
    result = run("create_task.py", *T2V)
    assert result.code == 0, result
    assert result.json["reconciled"] is True and result.json["taskId"] in sandbox.tasks
    assert len(sandbox.tasks) == 1 and len(creates(sandbox)) == 1


@pytest.mark.parametrize("fault", ["truncate", "reset", "500"])
def test_broken_video_transfer_resumes(tmp_path, fault):
    with Sandbox(keys=(CANARY_KEY,), submitted_seconds=0, progress_seconds=0,
                 video_bytes=1_000_000) as sandbox:
        task_id = run_script("create_task.py", *T2V, box=sandbox).json["taskId"]
        sandbox.add_fault("video", fault)
        out = tmp_path / "v"
        result = run_script("download.py", task_id, "--dir", out, box=sandbox)
        media = sandbox.requests_to("media")
    assert result.code == 0, result
    data = (out / f"{task_id}.mp4").read_bytes()
    assert data[4:8] == b"ftyp" and len(data) == result.json["files"][0]["bytes"]
    assert no_partial_files(out)
    assert len(media) == 2
    if fault == "truncate":
        assert media[1]["headers"]["Range"].startswith("bytes=")
        assert int(media[1]["headers"]["Range"][6:-1]) >= 250_000  # most of what came


def test_expired_video_url_is_refreshed(run, sandbox, tmp_path):
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("video", "expire")
    result = run("download.py", task_id, "--dir", tmp_path / "v")
    assert result.code == 0, result
    assert len(sandbox.requests_to("api", f"/api/v1/tasks/{task_id}")) == 2


def test_video_that_never_arrives_leaves_nothing(run, sandbox, tmp_path):
    task_id = run("create_task.py", *T2V).json["taskId"]
    sandbox.add_fault("video", "truncate", times=10)
    out = tmp_path / "v"
    result = run("download.py", task_id, "--dir", out)
    assert result.code == 9 and result.error["code"] == "DOWNLOAD_FAILED"
    assert not out.exists() or list(out.iterdir()) == []


READ_CALLS = {  # script arguments, and the sandbox endpoint it reads
    "get_task": (["get_task.py", "{id}"], "get"),
    "list_tasks": (["list_tasks.py"], "list"),
    "poll one": (["poll.py", "{id}"], "status"),
    "poll many": (["poll.py", "{id}", "{id2}"], "list"),
    "download": (["download.py", "{id}", "--dir", "{dir}"], "get"),
    "cancel": (["cancel.py", "{id}"], "cancel"),
}


@pytest.mark.parametrize("fault", ["500", "reset", "badjson", "html", "429", "shape", "redirect"])
@pytest.mark.parametrize("call", sorted(READ_CALLS))
def test_every_script_under_every_fault(run, sandbox, tmp_path, call, fault):
    """One JSON object, a documented exit code, no traceback (run_script checks), no create,
    no partial file: transient faults are retried away, the rest end as exit 9."""
    body = {"prompt": "a fox", "aspectRatio": "16:9", "duration": "5"}
    ids = [sandbox.create(CANARY_KEY, "t2v", body, None, sandbox.url)["taskId"]
           for _ in range(2)]
    sandbox.advance(1)
    argv, target = READ_CALLS[call]
    argv = [a.format(id=ids[0], id2=ids[1], dir=tmp_path / "v") for a in argv]
    sandbox.add_fault(target, fault)
    result = run(*argv)
    if call == "cancel":  # the task is already COMPLETED: refused whatever else happens
        expected = {8, 9}
    elif fault in ("shape", "redirect"):
        expected = {9}
    else:
        expected = {0}
    assert result.code in expected, result
    assert creates(sandbox) == []
    assert no_partial_files(tmp_path / "v")
