"""SKILL.md, skill.yaml, the schemas, --help and the code agree with one another."""
import json
import re
import subprocess
import sys

import yaml
from aivideo.errors import EXIT_STATUS
from aivideo.models import CREDITS_PER_SECOND, LV_CREDITS_PER_SECOND, LV_SECONDS_PER_PROMPT
from conftest import ROOT, SCRIPTS

SCRIPT_NAMES = sorted(p.name for p in SCRIPTS.glob("*.py"))
SKILL_TEXT = (ROOT / "SKILL.md").read_text(encoding="utf-8")
FRONT = yaml.safe_load(SKILL_TEXT.split("---\n")[1])
BODY = SKILL_TEXT.split("---\n", 2)[2]
MANIFEST = yaml.safe_load((ROOT / "skill.yaml").read_text(encoding="utf-8"))
DOCS = [ROOT / "SKILL.md", *sorted((ROOT / "references").glob("*.md"))]


def helps():
    return {name: subprocess.run([sys.executable, str(SCRIPTS / name), "--help"],
                                 capture_output=True, text=True).stdout for name in SCRIPT_NAMES}


HELP = helps()


def test_frontmatter_follows_the_spec_and_loaders():
    assert set(FRONT) <= {"name", "description", "license", "compatibility", "metadata",
                          "allowed-tools"}
    assert FRONT["name"] == "ai-video-maker"
    assert len(FRONT["description"]) <= 200 and len(FRONT["compatibility"]) <= 500
    claw = FRONT["metadata"]["openclaw"]
    assert claw["primaryEnv"] == "AIVIDEO_API_KEY"
    assert claw["requires"] == {"env": ["AIVIDEO_API_KEY"], "bins": ["python3"]}
    assert claw["emoji"] and claw["homepage"].startswith("https://")
    assert all(v["description"] for v in claw["envVars"])


def test_body_is_short_and_links_exist_one_level_deep():
    assert len(BODY.splitlines()) < 200
    links = re.findall(r"\]\(([^)]+)\)", BODY)
    assert links
    for link in links:
        assert link.startswith("references/") and link.count("/") == 1
        assert (ROOT / link).is_file()


def test_manifest_agrees_with_skill_md_and_version():
    version = (ROOT / "VERSION").read_text().strip()
    assert MANIFEST["name"] == FRONT["name"]
    assert MANIFEST["description"] == FRONT["description"]
    assert str(MANIFEST["version"]) == FRONT["metadata"]["version"] == version
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()
    assert [e["name"] for e in MANIFEST["environment"]] == \
        [e["name"] for e in FRONT["metadata"]["openclaw"]["envVars"]]


def test_manifest_lists_every_script():
    assert sorted(s["path"] for s in MANIFEST["scripts"]) == \
        sorted(f"scripts/{n}" for n in SCRIPT_NAMES)


def test_manifest_agrees_with_schemas_and_prices():
    for model, spec in MANIFEST["models"].items():
        schema = json.loads((ROOT / spec["schema"]).read_text())
        props = schema["properties"]
        if model == "lv":
            assert "duration" not in props and props["prompt"]["maxItems"] == spec["maxPrompts"]
            assert spec["secondsPerPrompt"] == LV_SECONDS_PER_PROMPT
            assert spec["credits"]["perPrompt"] == LV_SECONDS_PER_PROMPT * LV_CREDITS_PER_SECOND
        else:
            assert props["duration"]["enum"] == spec["durations"]
            assert spec["credits"]["perSecond"] == CREDITS_PER_SECOND[model]
        if "aspectRatios" in spec:
            assert props["aspectRatio"]["enum"] == spec["aspectRatios"]
        assert ("image" in schema["required"]) == (spec["input"] == "image")


def test_exit_codes_agree_everywhere():
    table = {int(k): set(v) for k, v in MANIFEST["exitCodes"].items()}
    from_code = {}
    for code, status in EXIT_STATUS.items():
        from_code.setdefault(status, set()).add(code)
    assert {k: v for k, v in table.items() if k} == from_code
    for code, status in EXIT_STATUS.items():
        row = next(line for line in SKILL_TEXT.splitlines() if line.startswith(f"| {status} |"))
        assert code in row
        assert all(code in text for text in HELP.values())
    named = set(re.findall(r"\b[A-Z]+(?:_[A-Z]+)+\b", " ".join(d.read_text() for d in DOCS)))
    placeholders = {"TASK_ID", "XDG_STATE_HOME"}
    codes_named = {n for n in named if not n.startswith("AIVIDEO") and n not in placeholders}
    assert codes_named <= set(EXIT_STATUS), codes_named - set(EXIT_STATUS)


def test_every_flag_in_the_docs_exists_and_every_flag_is_documented():
    documented = set()
    for doc in DOCS:
        documented |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", doc.read_text()))
    in_help = set()
    for text in HELP.values():
        in_help |= set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))
    assert documented - in_help == set()
    assert in_help - {"--help"} <= documented, in_help - {"--help"} - documented


def test_every_environment_variable_read_is_declared():
    code = " ".join(p.read_text() for p in SCRIPTS.rglob("*.py"))
    read = set(re.findall(r"\"((?:AIVIDEO|XDG)_[A-Z_]+)\"", code))
    declared = {v["name"] for v in FRONT["metadata"]["openclaw"]["envVars"]}
    assert read == declared
    readme = (ROOT / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in declared)
    assert all(name in text for name in declared for text in HELP.values())


def test_scripts_carry_pep723_dependencies_matching_requirements():
    required = {re.split(r"[<>=;\s]", line)[0] for line in
                (ROOT / "requirements.txt").read_text().splitlines() if line.strip()}
    for name in SCRIPT_NAMES:
        text = (SCRIPTS / name).read_text()
        block = re.search(r"# /// script\n(.*?)# ///", text, re.DOTALL)
        assert block, name
        deps = re.findall(r'"([a-zA-Z0-9_-]+)[<>=]', block.group(1))
        assert set(deps) == required, name
        assert text.startswith("#!/usr/bin/env python3\n")
        assert "Usage:" in text and "example" in HELP[name]


def test_codex_metadata():
    data = yaml.safe_load((ROOT / "agents" / "openai.yaml").read_text())
    assert 25 <= len(data["interface"]["short_description"]) <= 64
    assert "$ai-video-maker" in data["interface"]["default_prompt"]
