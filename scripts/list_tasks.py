#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""List the account's AIVideoMaker tasks, newest first, compactly; or the local journal.

Usage:
    python3 scripts/list_tasks.py [--status COMPLETED] [--model t2v] [--limit 20]
    python3 scripts/list_tasks.py --local        # what this skill created, incl. unanswered
"""
import sys

from aivideo.output import ArgumentParser, run

EPILOG = """examples:
  list_tasks.py --status PROGRESS
  list_tasks.py --model i2v_v3 --limit 5
  list_tasks.py --local --limit 50

--local needs no key and no network: it reads the journal of creates made on this machine,
including creates whose answer never arrived (status UNCERTAIN or SENDING)."""


def main(argv):
    parser = ArgumentParser(prog="list_tasks.py", description=__doc__.split("\n")[0],
                            epilog=EPILOG)
    parser.add_argument("--status", help="SUBMITTED, PROGRESS, COMPLETED, FAILED or CANCEL")
    parser.add_argument("--model", help="t2v, i2v, lv, t2v_v3 or i2v_v3")
    parser.add_argument("--limit", type=int, default=20, help="at most N tasks (default 20)")
    parser.add_argument("--local", action="store_true", help="show the local task journal")
    args = parser.parse_args(argv)
    from aivideo import workflow
    from aivideo.errors import invalid
    from aivideo.tasks import compact, normalize_status
    if args.limit < 1:
        raise invalid("--limit must be at least 1", field="limit")
    wanted = normalize_status(args.status) if args.status else None
    if args.local:
        entries = list(reversed(workflow.journal_only().tasks()))
        rows = [{k: e[k] for k in ("taskId", "model", "status", "submittedAt", "credits",
                                   "files", "ref")} for e in entries]
    else:
        rows = [compact(t) for t in workflow.Context().api.list_tasks()]
    rows = [r for r in rows if (not wanted or r["status"] == wanted)
            and (not args.model or r["model"] == args.model)]
    return {"count": min(len(rows), args.limit), "matching": len(rows),
            "tasks": rows[:args.limit]}


if __name__ == "__main__":
    sys.exit(run(main))
