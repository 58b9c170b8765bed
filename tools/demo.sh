#!/usr/bin/env bash
# The main job, end to end, against the local sandbox: a prompt in, a real MP4 in ./videos out.
# No API key and no credits: the sandbox stands in for aivideomaker.ai.
# Usage: bash tools/demo.sh ["your prompt"]
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/venv.sh requirements.txt
prompt="${1:-A red fox trotting through fresh snow toward the camera, low tracking shot, golden hour}"
work="$(mktemp -d)"
"$VENV_PYTHON" sandbox/server.py --submitted-seconds 1 --progress-seconds 3 >"$work/sandbox.json" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do [ -s "$work/sandbox.json" ] && break; sleep 0.1; done
base_url="$("$VENV_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["baseUrl"])' "$work/sandbox.json")"
echo "sandbox API at $base_url" >&2
AIVIDEO_BASE_URL="$base_url" AIVIDEO_API_KEY=sandbox-key AIVIDEO_STATE_DIR="$work/state" \
  "$VENV_PYTHON" scripts/create_task.py t2v --prompt "$prompt" --aspect-ratio 16:9 --duration 5 \
  --wait --download ./videos
