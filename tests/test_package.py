"""package.sh: the zip's layout, reproducible bytes, refusals, and every install path."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT, run_script, script_env

NAME = "ai-video-maker"


def build(out, root=ROOT):
    proc = subprocess.run(["bash", str(root / "package.sh"), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = build(out)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    return info


def test_build_reports_path_size_count_and_sha(built):
    assert built["path"].endswith(f"{NAME}-{(ROOT / 'VERSION').read_text().strip()}.zip")
    data = open(built["path"], "rb").read()
    assert built["bytes"] == len(data) and built["sha256"] == hashlib.sha256(data).hexdigest()
    assert open(built["path"] + ".sha256").read().split()[0] == built["sha256"]


def test_two_builds_are_byte_identical(built, tmp_path):
    again = json.loads(build(tmp_path).stdout)
    assert again["sha256"] == built["sha256"]


def test_zip_layout(built):
    with zipfile.ZipFile(built["path"]) as archive:
        names = archive.namelist()
        infos = archive.infolist()
        requirements = archive.read(f"{NAME}/requirements.txt").decode()
    assert all(n.startswith(f"{NAME}/") for n in names)
    assert f"{NAME}/SKILL.md" in names and f"{NAME}/skill.yaml" in names
    assert f"{NAME}/scripts/create_task.py" in names and f"{NAME}/schemas/lv.json" in names
    assert f"{NAME}/references/prompting.md" in names and f"{NAME}/agents/openai.yaml" in names
    for banned in ("tests/", "sandbox/", "bench/", "tools/", "__pycache__", ".pyc", "/.",
                   "package.sh", "requirements-dev"):
        assert not any(banned in n for n in names), banned
    assert names == sorted(names) and len(names) == built["files"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "pytest" not in requirements and "requests" in requirements


def test_reference_validator_accepts_the_packaged_folder(built, tmp_path):
    pytest.importorskip("skills_ref")
    with zipfile.ZipFile(built["path"]) as archive:
        archive.extractall(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "skills_ref.cli", "validate",
                           str(tmp_path / NAME)], capture_output=True, text=True)
    if proc.returncode != 0 and "No module named" in proc.stderr:
        proc = subprocess.run([shutil.which("agentskills") or "agentskills", "validate",
                               str(tmp_path / NAME)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("skills_dir", [".claude/skills", ".agents/skills", ".openclaw/skills",
                                        "workspace/skills"])
def test_unzipped_skill_runs_from_each_agents_folder(built, tmp_path, skills_dir, sandbox):
    home = tmp_path / "home"
    target = home / skills_dir
    target.mkdir(parents=True)
    unzip(built["path"], target)
    scripts = target / NAME / "scripts"
    assert os.access(scripts / "create_task.py", os.X_OK)
    proc = subprocess.run([sys.executable, str(scripts / "create_task.py"), "t2v", "--prompt",
                           "a fox", "--aspect-ratio", "1:1", "--duration", "5", "--wait"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env=dict(script_env(sandbox), HOME=str(home)))
    result = json.loads(proc.stdout)
    assert proc.returncode == 0 and result["status"] == "COMPLETED", proc.stderr


def unzip(archive_path, target):
    """As a user would: `unzip` where present (it keeps the modes), else zipfile plus chmod."""
    if shutil.which("unzip"):
        subprocess.run(["unzip", "-q", archive_path, "-d", str(target)], check=True)
        return
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            path = archive.extract(info, target)
            os.chmod(path, (info.external_attr >> 16) & 0o777)


def copy_project(tmp_path):
    """A copy of what the packager reads, to break one thing at a time."""
    root = tmp_path / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(
        ".git", ".venv*", ".tools", "dist", "__pycache__", ".pytest_cache", ".ruff_cache",
        ".hypothesis", "tests", "sandbox", "bench"))
    return root


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("breakage, message", [
    (lambda r: replace_in(r / "SKILL.md", "license: MIT-0", "license: MIT-0\nversion: 1"),
     "keys the spec does not allow"),
    (lambda r: replace_in(r / "SKILL.md", '  version: "1', '  version: "9'), "disagree"),
    (lambda r: replace_in(r / "skill.yaml", "description: Makes", "description: Creates"),
     "disagree on description"),
    (lambda r: replace_in(r / "SKILL.md", "name: ai-video-maker", "name: AI_Video"), "name"),
    (lambda r: replace_in(r / "SKILL.md", "      bins:\n        - python3",
                          "      bins: [python3]"), "flow style"),
    (lambda r: replace_in(r / "schemas" / "t2v.json", '"type": "object"', '"type": "objekt"'),
     "not a valid Draft 2020-12"),
    (lambda r: (r / "references" / "link.md").symlink_to(r / "README.md"), "symlink"),
    (lambda r: (r / "references" / ".env").write_text("X=1\n"), "dotfile"),
    (lambda r: (r / "references" / "notes.md").write_text(
        "-----BEGIN RSA PRIVATE KEY-----\nabc\n"), "secret"),
])
def test_package_refuses_a_broken_skill(tmp_path, breakage, message):
    root = copy_project(tmp_path)
    breakage(root)
    proc = build(tmp_path / "out", root)
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.zip"))


def test_package_refuses_the_live_key(tmp_path):
    root = copy_project(tmp_path)
    (root / "references" / "oops.md").write_text("key: live-key-abcdef123456\n")
    proc = subprocess.run(["bash", str(root / "package.sh"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True,
                          env=dict(os.environ, AIVIDEO_API_KEY="live-key-abcdef123456"))
    assert proc.returncode != 0 and "AIVIDEO_API_KEY" in proc.stderr
    assert "live-key-abcdef123456" not in proc.stderr + proc.stdout


def test_clawhub_upload_set_is_the_zip_set(built):
    listed = subprocess.run([sys.executable, str(ROOT / "tools" / "package.py"), "--list"],
                            capture_output=True, text=True).stdout.split()
    with zipfile.ZipFile(built["path"]) as archive:
        assert [n[len(NAME) + 1:] for n in archive.namelist()] == listed
    ignore = (ROOT / ".clawhubignore").read_text()
    for excluded in ("tests/", "sandbox/", "bench/", "tools/", "dist/"):
        assert excluded in ignore


def test_clawhub_cli_would_upload_exactly_what_the_zip_holds(built):
    """ClawHub's own file walker (installed by tools/test.sh) against the packager's list."""
    module = ROOT / ".tools" / "clawhub" / "node_modules" / "clawhub" / "dist" / "skills.js"
    if not module.exists() or not shutil.which("node"):
        pytest.skip("the clawhub CLI is not installed (tools/test.sh installs it with npm)")
    script = (f"import({json.dumps(module.as_uri())}).then(async (m) => {{"
              f"const files = await m.listSkillFiles({json.dumps(str(ROOT))});"
              "console.log(JSON.stringify(files.map((f) => f.relPath).sort()));})")
    proc = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(built["path"]) as archive:
        zipped = sorted(n[len(NAME) + 1:] for n in archive.namelist())
    assert sorted(json.loads(proc.stdout)) == zipped


def test_missing_dependency_is_reported_as_json(tmp_path, sandbox):
    """With requests absent, a script names the install command instead of a traceback."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "requests.py").write_text("raise ImportError('blocked for the test')\n")
    env = script_env(sandbox, PYTHONPATH=str(blocker))
    result = run_script("list_tasks.py", env=env)
    assert result.code == 2 and result.error["code"] == "MISSING_DEPENDENCY"
    assert "requirements.txt" in result.error["hint"]


def test_uv_runs_a_script_from_its_inline_metadata(built, tmp_path):
    """PEP 723: `uv run scripts/X.py` installs requests, jsonschema and pyyaml by itself."""
    uv = pytest.importorskip("uv")
    unzip(built["path"], tmp_path)
    proc = subprocess.run([uv.find_uv_bin(), "run", "--no-project", "--quiet",
                           "--python", sys.executable, str(tmp_path / NAME / "scripts" /
                                                            "create_task.py"),
                           "t2v", "--prompt", "x", "--aspect-ratio", "1:1", "--duration", "5",
                           "--dry-run"], capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, UV_CACHE_DIR=str(tmp_path / "uv-cache")))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["credits"] == 5
