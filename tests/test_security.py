"""The key stays secret and at home; only real images leave the machine."""
import os

import pytest
from conftest import CANARY_KEY, run_script, script_env, write_png

T2V = ["t2v", "--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "5"]


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.5:8080",
                                 "ftp://example.com", "https://user:pw@example.com",
                                 "https://example.com/?x=1"])
def test_unsafe_base_urls_are_refused_before_any_connection(url):
    result = run_script("list_tasks.py", env=script_env(None, AIVIDEO_BASE_URL=url,
                                                        AIVIDEO_API_KEY=CANARY_KEY))
    assert result.code == 2 and result.error["field"] == "AIVIDEO_BASE_URL"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_is_allowed_for_loopback(host):
    from aivideo.config import check_url
    check_url(f"http://{host}:8080", "x", "x")


def test_key_is_not_accepted_as_a_flag(run, sandbox):
    for flag in ("--key", "--api-key"):
        result = run("list_tasks.py", flag, CANARY_KEY)
        assert result.code == 2 and sandbox.requests == []


def test_symlink_to_a_secret_is_refused(run, sandbox, tmp_path):
    secret = tmp_path / ".env"
    secret.write_text("AIVIDEO_API_KEY=sk-live-123\n")
    link = tmp_path / "photo.png"
    link.symlink_to(secret)
    result = run("create_task.py", "i2v", "--image", link, "--duration", "5")
    assert result.code == 2 and result.error["field"] == "image"
    assert "sk-live-123" not in result.stdout and sandbox.requests == []


def test_symlink_to_a_real_image_is_accepted(run, sandbox, tmp_path):
    link = tmp_path / "link.png"
    link.symlink_to(write_png(tmp_path / "real.png"))
    assert run("create_task.py", "i2v", "--image", link, "--duration", "5").code == 0


def test_image_renamed_with_a_wrong_extension_is_judged_by_content(run, sandbox, tmp_path):
    disguised = write_png(tmp_path / "picture.txt")
    assert run("create_task.py", "i2v", "--image", disguised, "--duration", "5").code == 0
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    assert run("create_task.py", "i2v", "--image", fake, "--duration", "5").code == 2


def test_oversized_image_is_refused(run, sandbox, tmp_path):
    from aivideo.images import MAX_IMAGE_BYTES
    big = write_png(tmp_path / "big.png")
    with open(big, "ab") as handle:
        handle.truncate(MAX_IMAGE_BYTES + 1)
    result = run("create_task.py", "i2v", "--image", big, "--duration", "5")
    assert result.code == 2 and sandbox.requests == []


def test_data_uri_whose_bytes_are_not_the_claimed_image(run, sandbox):
    import base64
    lie = "data:image/png;base64," + base64.b64encode(b"#!/bin/sh\nrm -rf /\n").decode()
    assert run("create_task.py", "i2v", "--image", lie, "--duration", "5").code == 2


def test_canary_key_appears_nowhere_in_any_failure_mode(sandbox, tmp_path, isolated_state):
    """Every script, through success and each failure, with the key in the environment."""
    env = script_env(sandbox)
    task_id = run_script("create_task.py", *T2V, "--wait", "--download", tmp_path / "v",
                         env=env).json["taskId"]
    sandbox.add_fault("create", "reset")
    sandbox.add_fault("get", "500", times=10)
    sandbox.add_fault("list", "html", times=10)
    sandbox.add_fault("status", "redirect")
    calls = [("create_task.py", *T2V), ("create_task.py", *T2V, "--dry-run"),
             ("get_task.py", task_id), ("list_tasks.py",), ("list_tasks.py", "--local"),
             ("poll.py", task_id), ("cancel.py", task_id), ("download.py", "ckmissing"),
             ("create_task.py", "i2v", "--image", "/etc/passwd", "--duration", "5")]
    for call in calls:
        run_script(*call, env=env)  # run_script asserts the key is in neither stream
    run_script("list_tasks.py", env=dict(env, AIVIDEO_BASE_URL="http://example.com"))
    for root, _dirs, files in os.walk(tmp_path):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                assert CANARY_KEY.encode() not in handle.read(), name


def test_internal_errors_are_redacted(monkeypatch, capsys):
    from aivideo import output

    def boom(argv):
        raise RuntimeError(f"exploded while holding {CANARY_KEY}")
    output.register_secret(CANARY_KEY)
    monkeypatch.setattr("sys.argv", ["x"])
    assert output.run(boom) == 1
    captured = capsys.readouterr()
    assert CANARY_KEY not in captured.out and "INTERNAL_ERROR" in captured.out
