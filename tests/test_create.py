"""create_task.py against the sandbox: every model, every way of giving input, the budget."""
import json

import pytest
from conftest import CANARY_KEY, creates, write_png

MODELS_ARGS = {
    "t2v": ["--prompt", "a fox", "--aspect-ratio", "16:9", "--duration", "8"],
    "i2v": ["--image", "https://example.com/a.png", "--duration", "5"],
    "lv": ["--image", "https://example.com/a.png", "--prompt", "a", "--max-credits", "75"],
    "t2v_v3": ["--prompt", "a fox", "--aspect-ratio", "9:16", "--duration", "5"],
    "i2v_v3": ["--image", "https://example.com/a.png", "--duration", "5"],
}
CREDITS = {"t2v": 8, "i2v": 5, "lv": 75, "t2v_v3": 50, "i2v_v3": 50}


@pytest.mark.parametrize("model", sorted(MODELS_ARGS))
def test_each_model_creates_a_task(run, sandbox, model):
    result = run("create_task.py", model, *MODELS_ARGS[model])
    assert result.code == 0, result
    assert result.json["model"] == model and result.json["credits"] == CREDITS[model]
    assert result.json["status"] == "SUBMITTED" and result.json["taskId"] in sandbox.tasks
    (request,) = creates(sandbox)
    assert request["path"] == f"/api/v1/generate/{model}"
    assert request["headers"]["key"] == CANARY_KEY
    assert sandbox.balances[CANARY_KEY] == 1000 - CREDITS[model]


def test_body_sent_is_exactly_the_validated_request(run, sandbox):
    result = run("create_task.py", "t2v", "--prompt", "a fox", "--aspect-ratio", "1:1",
                 "--duration", "5")
    task = sandbox.tasks[result.json["taskId"]]
    assert task.input == {"prompt": "a fox", "aspectRatio": "1:1", "duration": "5"}


def test_input_file_and_stdin_with_flags_overriding(run, sandbox, tmp_path):
    body = {"prompt": "from file", "aspectRatio": "16:9", "duration": 5}
    path = tmp_path / "req.json"
    path.write_text(json.dumps(body))
    first = run("create_task.py", "t2v", "--input", path, "--duration", "8")
    second = run("create_task.py", "t2v", "--input", "-", stdin=json.dumps(body))
    assert sandbox.tasks[first.json["taskId"]].input["duration"] == "8"
    assert sandbox.tasks[second.json["taskId"]].input == dict(body, duration="5")


def test_local_image_is_sent_as_data_uri_and_stored_as_url(run, sandbox, tmp_path):
    png = write_png(tmp_path / "first frame.png")
    result = run("create_task.py", "i2v", "--image", png, "--duration", "5")
    assert result.code == 0, result
    stored = sandbox.tasks[result.json["taskId"]].input["image"]
    assert stored.startswith(sandbox.media_url + "/images/")
    assert "base64" not in result.stdout


def test_dry_run_sends_nothing_shows_price_and_shortens_image(run, sandbox, tmp_path):
    png = write_png(tmp_path / "a.png")
    result = run("create_task.py", "i2v_v3", "--image", png, "--duration", "20", "--dry-run")
    assert result.code == 0 and result.json["dryRun"] is True
    assert result.json["credits"] == 200 and result.json["budget"] == 50
    assert result.json["withinBudget"] is False
    request = result.json["request"]
    assert request["url"] == f"{sandbox.url}/api/v1/generate/i2v_v3"
    assert request["body"]["image"].startswith("<image/png data URI")
    assert CANARY_KEY not in result.stdout and sandbox.requests == []


def test_dry_run_needs_no_key(sandbox):
    from conftest import run_script, script_env
    env = script_env(None, AIVIDEO_BASE_URL=sandbox.url)
    result = run_script("create_task.py", "t2v", "--prompt", "x", "--aspect-ratio", "1:1",
                        "--duration", "5", "--dry-run", env=env)
    assert result.code == 0 and result.json["credits"] == 5


def test_budget_blocks_expensive_jobs_and_names_the_flag(run, sandbox):
    result = run("create_task.py", "t2v_v3", "--prompt", "x", "--aspect-ratio", "1:1",
                 "--duration", "10")
    assert result.code == 4 and result.error["code"] == "BUDGET_EXCEEDED"
    assert result.error["credits"] == 100 and result.error["budget"] == 50
    assert result.error["flag"] == "--max-credits 100"
    assert sandbox.requests == []
    agreed = run("create_task.py", "t2v_v3", "--prompt", "x", "--aspect-ratio", "1:1",
                 "--duration", "10", "--max-credits", "100")
    assert agreed.code == 0 and len(creates(sandbox)) == 1


def test_budget_from_environment(sandbox):
    from conftest import run_script, script_env
    args = ["t2v", "--prompt", "x", "--aspect-ratio", "1:1", "--duration", "8"]
    low = run_script("create_task.py", *args, env=script_env(sandbox, AIVIDEO_MAX_CREDITS="5"))
    assert low.code == 4 and low.error["budget"] == 5
    bad = run_script("create_task.py", *args, env=script_env(sandbox, AIVIDEO_MAX_CREDITS="lots"))
    assert bad.code == 2 and bad.error["field"] == "AIVIDEO_MAX_CREDITS"
    assert creates(sandbox) == []


def test_insufficient_credits(run, sandbox):
    sandbox.balances[CANARY_KEY] = 3
    result = run("create_task.py", "t2v", "--prompt", "x", "--aspect-ratio", "1:1",
                 "--duration", "5")
    assert result.code == 4 and result.error["code"] == "INSUFFICIENT_CREDITS"


def test_webhook_header_is_sent_and_called(run, sandbox):
    import http.server
    import threading
    received = []

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        result = run("create_task.py", "t2v", "--prompt", "x", "--aspect-ratio", "1:1",
                     "--duration", "5", "--webhook-url", url, "--wait")
        assert result.code == 0
        assert creates(sandbox)[0]["headers"]["webhookUrl"] == url
        import time
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert received and received[-1]["taskId"] == result.json["taskId"]
    finally:
        server.shutdown()


@pytest.mark.parametrize("url", ["http://example.com/hook", "ftp://example.com/x", "not a url"])
def test_webhook_must_be_https_or_loopback(run, sandbox, url):
    result = run("create_task.py", "t2v", "--prompt", "x", "--aspect-ratio", "1:1",
                 "--duration", "5", "--webhook-url", url)
    assert result.code == 2 and result.error["field"] == "webhookUrl"
    assert sandbox.requests == []


def test_download_without_wait_is_refused(run, sandbox, tmp_path):
    result = run("create_task.py", "t2v", "--prompt", "x", "--aspect-ratio", "1:1",
                 "--duration", "5", "--download", tmp_path)
    assert result.code == 2 and sandbox.requests == []
