"""Generated arguments and bodies: every outcome is a clean JSON result or a clean error."""
import io
import json
import sys
from contextlib import redirect_stdout

import pytest
from aivideo.errors import EXIT_STATUS, SkillError
from aivideo.models import MODELS
from aivideo.output import run
from aivideo.validation import build_body, validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 100) | st.floats(allow_nan=False) |
    st.text(max_size=20) | st.sampled_from(["5", "8", "10", "16:9", "https://e.com/a.png",
                                            "data:image/png;base64,AAAA", "data:,x"]),
    lambda children: st.lists(children, max_size=8) | st.dictionaries(
        st.text(max_size=10), children, max_size=4),
    max_leaves=12)
bodies = st.dictionaries(st.sampled_from(["prompt", "image", "aspectRatio", "duration", "extra"]),
                         json_values, max_size=5)


@settings(max_examples=300, deadline=None)
@given(model=st.sampled_from(MODELS + ("nope",)), body=bodies)
def test_validator_returns_a_body_or_invalid_input(model, body):
    try:
        result = validate(model, build_body(model, body))
    except SkillError as exc:
        assert exc.code == "INVALID_INPUT"
        json.dumps(exc.to_json())
        return
    assert isinstance(result, dict) and model in MODELS


FLAGS = ["--prompt", "--image", "--aspect-ratio", "--duration", "--max-credits", "--timeout",
         "--webhook-url", "--input", "--wait", "--download", "--resubmit", "--force", "-h"]
tokens = st.one_of(st.sampled_from(FLAGS + list(MODELS) + ["16:9", "5", "8", "20", "-1",
                                                           "https://e.com/a.png", "/etc/passwd"]),
                   st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                  blacklist_characters="\x00"), max_size=12))


@pytest.fixture
def offline_env(monkeypatch):
    monkeypatch.setenv("AIVIDEO_BASE_URL", "http://127.0.0.1:9")  # never contacted: dry run


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=st.lists(tokens, max_size=8))
def test_create_task_dry_run_never_crashes(offline_env, monkeypatch, argv):
    import create_task
    monkeypatch.setattr(sys, "argv", ["create_task.py", *argv, "--dry-run"])
    monkeypatch.setattr(sys, "stdin", io.StringIO("{}"))
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            status = run(create_task.main)
    except SystemExit as exc:  # only --help/-h exits through argparse, with usage on stdout
        assert exc.code == 0 and "usage:" in out.getvalue()
        return
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    if payload["ok"]:
        assert status == 0 and payload["dryRun"] is True and isinstance(payload["credits"], int)
    else:
        assert status == EXIT_STATUS[payload["error"]["code"]] and status in (1, 2)
        assert payload["error"]["code"] != "INTERNAL_ERROR", payload
