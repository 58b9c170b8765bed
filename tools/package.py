#!/usr/bin/env python3
"""Build dist/ai-video-maker-<version>.zip: checked, reproducible, one folder inside.

Usage:
    bash package.sh                      # build and print {path, bytes, files, sha256}
    python3 tools/package.py --list      # the files that would ship
    python3 tools/package.py --set-version 1.1.0   # write the version everywhere it appears

The files shipped are the ones `clawhub publish` would upload from this folder: everything but
dotfiles and what .gitignore or .clawhubignore exclude. The build refuses (exit 1, a message on
stderr) when the frontmatter is invalid, SKILL.md, skill.yaml and VERSION disagree, a schema is
not a valid Draft 2020-12 schema, a shipped path is a symlink or dotfile, or a file looks like a
secret. The same commit always gives the same bytes: sorted entries, fixed times and modes.
"""
import argparse
import fnmatch
import hashlib
import json
import os
import re
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NAME = "ai-video-maker"
ALLOWED_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bsk-(live|proj|ant)-[A-Za-z0-9_-]{16,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"),
    re.compile(r"AIVIDEO_API_KEY\s*=\s*['\"]?[A-Za-z0-9_-]{12,}"),
]


class BuildError(Exception):
    pass


def ignore_patterns():
    patterns = []
    for name in (".gitignore", ".clawhubignore"):
        path = ROOT / name
        if path.exists():
            for line in path.read_text().splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    patterns.append(line)
    return patterns


def ignored(relative, patterns):
    parts = relative.split("/")
    for pattern in patterns:
        anchored = pattern.startswith("/")
        pattern = pattern.strip("/")
        for depth in range(len(parts)):
            prefix = "/".join(parts[:depth + 1])
            if fnmatch.fnmatch(prefix, pattern) or (not anchored and "/" not in pattern
                                                     and fnmatch.fnmatch(parts[depth], pattern)):
                return True
    return False


def shipped_files():
    """Relative paths, sorted; a symlink or dotfile among them is an error."""
    patterns = ignore_patterns()
    files = []
    for directory, subdirs, names in os.walk(ROOT):
        rel_dir = Path(directory).relative_to(ROOT).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".")
                            and not ignored(rel_dir + d, patterns))
        for name in sorted(names):
            relative = rel_dir + name
            if name.startswith(".") or ignored(relative, patterns):
                continue
            if (ROOT / relative).is_symlink():
                raise BuildError(f"refusing to ship a symlink: {relative}")
            files.append(relative)
    for subdir in ("scripts", "schemas", "references"):
        for path in (ROOT / subdir).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_symlink():
                raise BuildError(f"refusing to ship a symlink: {rel}")
            if path.name.startswith(".") and not ignored(rel, patterns):
                raise BuildError(f"refusing to ship a dotfile: {rel}")
    return sorted(files)


def frontmatter(text):
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    if not match:
        raise BuildError("SKILL.md has no YAML frontmatter")
    raw = match.group(1)
    if re.search(r"^\s*[\w-]+:\s*[\[{]", raw, re.MULTILINE):
        raise BuildError("SKILL.md frontmatter uses flow style ([...] or {...}); the reference "
                         "validator rejects it: write block YAML")
    data = yaml.safe_load(raw)
    if not isinstance(data, dict):
        raise BuildError("SKILL.md frontmatter is not a mapping")
    return data


def check_skill():
    """Every consistency rule of the package; returns the version."""
    version = (ROOT / "VERSION").read_text().strip()
    meta = frontmatter((ROOT / "SKILL.md").read_text(encoding="utf-8"))
    extra = set(meta) - ALLOWED_KEYS
    if extra:
        raise BuildError(f"SKILL.md frontmatter has keys the spec does not allow: {sorted(extra)}")
    name = meta.get("name", "")
    if name != NAME or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) or len(name) > 64:
        raise BuildError(f"SKILL.md name must be {NAME!r} (lowercase, digits, single hyphens)")
    description = meta.get("description") or ""
    if not 1 <= len(description) <= 200:
        raise BuildError("SKILL.md description must be 1-200 characters (claude.ai's limit)")
    if re.search(r"<[^>]+>|anthropic|claude", description + name, re.IGNORECASE):
        raise BuildError("name and description must not hold XML tags or reserved words")
    if len(meta.get("compatibility", "")) > 500:
        raise BuildError("SKILL.md compatibility is over 500 characters")
    manifest = yaml.safe_load((ROOT / "skill.yaml").read_text(encoding="utf-8"))
    skill_version = str((meta.get("metadata") or {}).get("version"))
    for label, (left, right) in {
            "name": (manifest.get("name"), name),
            "description": (manifest.get("description"), description),
            "version (skill.yaml)": (str(manifest.get("version")), version),
            "version (SKILL.md metadata)": (skill_version, version)}.items():
        if left != right:
            raise BuildError(f"SKILL.md, skill.yaml and VERSION disagree on {label}: "
                             f"{left!r} vs {right!r}")
    from jsonschema import Draft202012Validator, SchemaError
    for path in sorted((ROOT / "schemas").glob("*.json")):
        schema = json.loads(path.read_text())
        if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            raise BuildError(f"{path.name} does not declare Draft 2020-12")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise BuildError(f"{path.name} is not a valid Draft 2020-12 schema: {exc.message}") \
                from None
    return version


def check_secrets(files):
    live_key = os.environ.get("AIVIDEO_API_KEY", "").strip()
    for relative in files:
        data = (ROOT / relative).read_bytes()
        text = data.decode("utf-8", "replace")
        if live_key and len(live_key) >= 8 and live_key in text:
            raise BuildError(f"{relative} contains the value of AIVIDEO_API_KEY")
        for pattern in SECRET_PATTERNS:
            if pattern.search(text):
                raise BuildError(f"{relative} looks like it holds a secret ({pattern.pattern})")


def build(out_dir):
    version = check_skill()
    files = shipped_files()
    check_secrets(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{NAME}-{version}.zip"
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for relative in files:
            info = zipfile.ZipInfo(f"{NAME}/{relative}", date_time=FIXED_TIME)
            executable = relative.startswith("scripts/") and relative.count("/") == 1 \
                and relative.endswith(".py")
            info.external_attr = ((0o100755 if executable else 0o100644) << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            archive.writestr(info, (ROOT / relative).read_bytes(), compresslevel=9)
    os.replace(partial, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    (out_dir / f"{target.name}.sha256").write_text(f"{digest}  {target.name}\n")
    return {"path": str(target), "bytes": target.stat().st_size, "files": len(files),
            "sha256": digest, "version": version}


def set_version(version):
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise BuildError("version must look like 1.2.3")
    (ROOT / "VERSION").write_text(version + "\n")
    for name, pattern, replacement in (
            ("skill.yaml", r"(?m)^version: .*$", f"version: {version}"),
            ("SKILL.md", r'(?m)^  version: ".*"$', f'  version: "{version}"')):
        path = ROOT / name
        path.write_text(re.sub(pattern, replacement, path.read_text(encoding="utf-8"), count=1),
                        encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default dist/)")
    parser.add_argument("--list", action="store_true", help="print the files that would ship")
    parser.add_argument("--check", action="store_true", help="run the checks, build nothing")
    parser.add_argument("--set-version", metavar="X.Y.Z", help="write the version everywhere")
    args = parser.parse_args(argv)
    try:
        if args.set_version:
            set_version(args.set_version)
        if args.list:
            print("\n".join(shipped_files()))
            return 0
        if args.check:
            check_skill()
            check_secrets(shipped_files())
            return 0
        print(json.dumps(build(Path(args.out))))
    except BuildError as exc:
        print(f"package: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
