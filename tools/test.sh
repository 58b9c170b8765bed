#!/usr/bin/env bash
# Install what the tests need (in .venv) and run the whole suite, plus ruff.
# Usage: bash tools/test.sh [pytest args]      PYTHON=python3.9 bash tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/venv.sh requirements-dev.txt
"$VENV_PYTHON" -m ruff check .
"$VENV_PYTHON" -m pytest -q -n 4 "$@"  # 4 workers: the tests mostly wait on subprocesses
