"""Shared code of the ai-video-maker scripts: one module per concern.

errors (codes and exit statuses), output (the JSON contract), config (environment),
models (per-model rules and credits), validation (request bodies against schemas/),
images (local files and data URIs), http (requests, retries, the key's host guard),
ratelimit (the machine-wide query budget), api (the five endpoints), tasks (statuses and
video URLs), waiting (polling), downloads, journal (the local record of paid tasks).
Modules that need requests or jsonschema import them only when called, so --help, --dry-run
and validation errors stay fast.
"""
