"""Request bodies: built from flags and --input, validated against schemas/ before sending."""
import json

import pytest
from aivideo.errors import SkillError
from aivideo.models import estimate_credits
from aivideo.validation import build_body, preview, validate
from conftest import write_png

VALID = {
    "t2v": {"prompt": "a fox", "aspectRatio": "16:9", "duration": "8"},
    "i2v": {"image": "https://example.com/a.png", "prompt": None, "duration": "5"},
    "lv": {"image": "https://example.com/a.png", "prompt": ["one", "two"]},
    "t2v_v3": {"prompt": "a fox", "aspectRatio": "1:1", "duration": "20"},
    "i2v_v3": {"image": "https://example.com/a.png", "duration": "10"},
}


@pytest.mark.parametrize("model", sorted(VALID))
def test_each_models_valid_body_passes(model):
    assert validate(model, build_body(model, VALID[model])) == VALID[model]


@pytest.mark.parametrize("model, body, expected", [
    ("t2v", {"prompt": "x", "aspectRatio": "16:9", "duration": "8"}, 8),
    ("i2v", {"image": "https://e.com/a.png", "duration": "5"}, 5),
    ("t2v_v3", {"prompt": "x", "aspectRatio": "16:9", "duration": "15"}, 150),
    ("i2v_v3", {"image": "https://e.com/a.png", "duration": "20"}, 200),
    ("lv", {"image": "https://e.com/a.png", "prompt": ["a"] * 6}, 450),
    ("lv", {"image": "https://e.com/a.png", "prompt": ["a"]}, 75),
])
def test_credit_estimates_follow_the_reference(model, body, expected):
    assert estimate_credits(model, body) == expected


def invalid_field(model, body):
    with pytest.raises(SkillError) as caught:
        validate(model, build_body(model, body))
    assert caught.value.code == "INVALID_INPUT"
    return caught.value.details.get("field"), caught.value.details.get("allowed")


@pytest.mark.parametrize("model, body, field", [
    ("t2v", {"aspectRatio": "16:9", "duration": "5"}, "prompt"),
    ("t2v", {"prompt": "x", "duration": "5"}, "aspectRatio"),
    ("t2v", {"prompt": "x", "aspectRatio": "16:9"}, "duration"),
    ("t2v", {"prompt": "   ", "aspectRatio": "16:9", "duration": "5"}, "prompt"),
    ("i2v", {"duration": "5"}, "image"),
    ("i2v", {"image": "https://e.com/a.png"}, "duration"),
    ("lv", {"image": "https://e.com/a.png"}, "prompt"),
    ("lv", {"prompt": ["a"]}, "image"),
    ("t2v_v3", {"prompt": "x", "aspectRatio": "1:1"}, "duration"),
])
def test_missing_required_field_is_named(model, body, field):
    assert invalid_field(model, body)[0] == field


@pytest.mark.parametrize("model, duration, allowed", [
    ("t2v", "10", ["5", "8"]), ("i2v", "20", ["5", "8"]),
    ("t2v_v3", "8", ["5", "10", "15", "20"]), ("i2v_v3", "7", ["5", "10", "15", "20"]),
])
def test_wrong_duration_for_the_model_lists_allowed_values(model, duration, allowed):
    body = dict(VALID[model], duration=duration)
    assert invalid_field(model, body) == ("duration", allowed)


def test_wrong_aspect_ratio_enum():
    assert invalid_field("t2v", dict(VALID["t2v"], aspectRatio="4:3")) == \
        ("aspectRatio", ["16:9", "9:16", "1:1"])


def test_lv_takes_one_to_six_prompts_and_no_duration():
    invalid_field("lv", dict(VALID["lv"], prompt=["p"] * 7))
    invalid_field("lv", dict(VALID["lv"], prompt=[]))
    assert invalid_field("lv", dict(VALID["lv"], duration="5"))[0] == "duration"


def test_unknown_fields_are_refused_not_sent():
    assert invalid_field("t2v", dict(VALID["t2v"], aspect_ratio="16:9"))[0] == "aspect_ratio"
    assert invalid_field("i2v", dict(VALID["i2v"], aspectRatio="16:9"))[0] == "aspectRatio"


def test_i2v_prompt_may_be_null_or_absent_but_not_a_number():
    validate("i2v", build_body("i2v", {"image": "https://e.com/a.png", "duration": "5"}))
    invalid_field("i2v", dict(VALID["i2v"], prompt=5))


def test_integer_duration_becomes_the_string_the_api_takes():
    body = build_body("t2v", {"prompt": "x", "aspectRatio": "16:9", "duration": 8})
    assert validate("t2v", body)["duration"] == "8"


def test_flags_override_input_and_lv_repeats_prompt():
    body = build_body("t2v", {"prompt": "old", "aspectRatio": "1:1", "duration": "5"},
                      prompts=["new"], duration="8")
    assert body == {"prompt": "new", "aspectRatio": "1:1", "duration": "8"}
    assert build_body("lv", {}, prompts=["a", "b"], image="https://e.com/x.png")["prompt"] == \
        ["a", "b"]
    with pytest.raises(SkillError):
        build_body("t2v", {}, prompts=["a", "b"])


@pytest.mark.parametrize("value", ["ftp://example.com/a.png", "data:text/plain;base64,aGk=",
                                   "data:image/png;base64,!!!", "/no/such/file.png", ""])
def test_bad_image_values(value):
    assert invalid_field("i2v", dict(VALID["i2v"], image=value))[0] == "image"


def test_local_image_becomes_a_data_uri_and_preview_hides_it(tmp_path):
    png = write_png(tmp_path / "frame.png")
    body = validate("i2v", build_body("i2v", {"duration": "5"}, image=str(png)))
    assert body["image"].startswith("data:image/png;base64,")
    shown = json.dumps(preview(body))
    assert "base64," not in shown and "image/png" in shown and str(png.stat().st_size) in shown


# -- the same, through the script: nothing is sent ---------------------------------------------
@pytest.mark.parametrize("args, field", [
    (["t2v", "--aspect-ratio", "16:9", "--duration", "5"], "prompt"),
    (["t2v", "--prompt", "x", "--aspect-ratio", "4:3", "--duration", "5"], "aspectRatio"),
    (["t2v_v3", "--prompt", "x", "--aspect-ratio", "16:9", "--duration", "8"], "duration"),
    (["lv", "--image", "https://e.com/a.png"] + ["--prompt", "p"] * 7, "prompt"),
    (["i2v", "--image", "notaurl", "--duration", "5"], "image"),
    (["sora", "--prompt", "x"], "model"),
])
def test_script_reports_invalid_input_and_sends_nothing(run, sandbox, args, field):
    result = run("create_task.py", *args)
    assert result.code == 2 and result.error["code"] == "INVALID_INPUT"
    assert result.error["field"] == field
    assert sandbox.requests == []


def test_script_refuses_a_non_image_file(run, sandbox, tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n")
    result = run("create_task.py", "i2v", "--image", secret, "--duration", "5")
    assert result.code == 2 and result.error["field"] == "image"
    assert "abc" not in result.stdout and sandbox.requests == []


def test_unknown_flag_is_invalid_input_json(run, sandbox):
    result = run("create_task.py", "t2v", "--api-key", "x")
    assert result.code == 2 and result.error["code"] == "INVALID_INPUT"
    assert sandbox.requests == []
