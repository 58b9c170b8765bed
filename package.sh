#!/usr/bin/env bash
# Build dist/ai-video-maker-<version>.zip (checked and reproducible); see tools/package.py.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 tools/package.py "$@"
