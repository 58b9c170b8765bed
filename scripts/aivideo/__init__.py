"""Shared code of the ai-video-maker scripts: one module per concern.

errors (codes and exit statuses), output (the JSON contract; where exceptions become exit
statuses), config (the environment), deps (third-party imports), models (per-model prices),
validation (request bodies against schemas/), images (local files and data URIs), http
(requests, retries, the key's host guard), ratelimit (the machine-wide query budget), api (the
five endpoints), tasks (statuses and video URLs), waiting (polling), downloads, journal (the
local record of paid tasks), workflow (what several scripts do: submit, wait, collect) and
batch (manifests). Modules that need requests, jsonschema or yaml import them only when
called, so --help, --dry-run and validation errors stay fast.
"""
