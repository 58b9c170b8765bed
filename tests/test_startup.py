"""Start-up pays only for what it uses: --help, --dry-run and a validation error never import
the HTTP stack, and --help imports no third-party package at all."""
import subprocess
import sys

import pytest
from conftest import SCRIPTS, script_env

HEAVY = ("requests", "urllib3", "jsonschema", "yaml")


def imported(*args):
    """Top-level names of every module the script imported (python -X importtime)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *map(str, args)],
                          capture_output=True, text=True,
                          env=script_env(None, AIVIDEO_BASE_URL="http://127.0.0.1:9"))
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in proc.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.py")))
def test_help_imports_no_third_party_package(script):
    modules = imported(SCRIPTS / script, "--help")
    assert "argparse" in modules and "aivideo" in modules
    assert not modules & set(HEAVY)


@pytest.mark.parametrize("args", [
    ["t2v", "--prompt", "x", "--aspect-ratio", "16:9", "--duration", "5", "--dry-run"],
    ["t2v", "--prompt", "x", "--aspect-ratio", "4:3", "--duration", "5"],
    ["t2v_v3", "--prompt", "x", "--aspect-ratio", "16:9", "--duration", "20"],
])
def test_dry_run_and_refusals_do_not_import_the_http_stack(args):
    modules = imported(SCRIPTS / "create_task.py", *args)
    assert "jsonschema" in modules
    assert not modules & {"requests", "urllib3", "yaml"}
