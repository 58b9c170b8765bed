#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Wait for AIVideoMaker tasks to finish (bounded by --timeout), optionally saving the videos.

Usage:
    python3 scripts/poll.py TASK_ID [TASK_ID ...] [--timeout 900] [--download DIR]
    python3 scripts/poll.py --pending --download ./videos     # resume everything journalled
    python3 scripts/poll.py TASK_ID --once                     # one status check
"""
import sys

from aivideo.output import ArgumentParser, run, seconds

EPILOG = """examples:
  poll.py ckabc123 --download ./videos
  poll.py ckabc123 ckdef456 --timeout 600
  poll.py --pending --download ./videos

Exit 0 only when every task is COMPLETED. On TIMEOUT (exit 6) the tasks keep running on the
server: run the command printed in error.resume to continue; never create them again."""


def main(argv):
    parser = ArgumentParser(prog="poll.py", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("task_ids", nargs="*", metavar="TASK_ID")
    parser.add_argument("--pending", action="store_true",
                        help="also every journalled task of this API that is not finished")
    parser.add_argument("--timeout", type=seconds, default=900.0, metavar="S",
                        help="stop waiting after S seconds (default 900)")
    parser.add_argument("--once", action="store_true", help="check once and return")
    parser.add_argument("--download", metavar="DIR", help="save finished videos in DIR")
    parser.add_argument("--force", action="store_true",
                        help="with --download: overwrite a different existing file")
    args = parser.parse_args(argv)
    from aivideo.errors import SkillError
    from aivideo.tasks import check_task_id
    task_ids = [check_task_id(t) for t in args.task_ids]
    if not task_ids and not args.pending:
        raise SkillError("INVALID_INPUT", "name at least one TASK_ID, or pass --pending",
                         hint="list_tasks.py --local shows the tasks this skill created")
    from aivideo import workflow
    ctx = workflow.Context()
    if args.pending:
        task_ids += [t for t in workflow.pending_task_ids(ctx, args.download)
                     if t not in task_ids]
        if not task_ids:
            return {"tasks": [], "message": "no unfinished tasks in the journal"}
    workflow.track(ctx, task_ids)
    tracked, views = workflow.wait_and_collect(ctx, task_ids, args.timeout, once=args.once,
                                               download_dir=args.download, force=args.force)
    error = workflow.outcome_error(tracked, views, args.once, args.download)
    if error:
        raise error
    return {"tasks": views}


if __name__ == "__main__":
    sys.exit(run(main))
