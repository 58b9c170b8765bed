#!/usr/bin/env bash
# Install what the tests need (in .venv) and run the whole suite, plus ruff.
# Usage: bash tools/test.sh [pytest args]      PYTHON=python3.9 bash tools/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/venv.sh requirements-dev.txt
# ClawHub's own CLI, so a test can ask it which files `clawhub publish` would upload.
if command -v npm >/dev/null 2>&1 && [ ! -f .tools/clawhub/node_modules/clawhub/dist/skills.js ]; then
  npm install --silent --no-audit --no-fund --prefix .tools/clawhub clawhub@0.23.3 >&2 \
    || echo "note: could not install the clawhub CLI; its test will be skipped" >&2
fi
"$VENV_PYTHON" -m ruff check .
"$VENV_PYTHON" -m pytest -q -n 4 "$@"  # 4 workers: the tests mostly wait on subprocesses
