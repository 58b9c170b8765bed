#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Cancel an AIVideoMaker task (the API allows it only while the task is SUBMITTED).

Usage:
    python3 scripts/cancel.py TASK_ID
"""
import sys

from aivideo.output import ArgumentParser, run

EPILOG = """example:
  cancel.py ckabc123

A task already in PROGRESS or finished cannot be cancelled: exit 8, CANCEL_NOT_ALLOWED,
with its current status."""


def main(argv):
    parser = ArgumentParser(prog="cancel.py", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("task_id", metavar="TASK_ID")
    args = parser.parse_args(argv)
    from aivideo import workflow
    from aivideo.errors import SkillError
    from aivideo.tasks import check_task_id
    task_id = check_task_id(args.task_id)
    ctx = workflow.Context()
    try:
        ctx.api.cancel(task_id)
    except SkillError as exc:
        if exc.code != "CANCEL_NOT_ALLOWED":
            raise
        status = ctx.api.status(task_id)
        exc.details["status"] = status
        exc.message = f"task {task_id} is {status}; only SUBMITTED tasks can be cancelled"
        raise
    status = ctx.api.status(task_id)
    ctx.journal.append("status", taskId=task_id, status=status)
    if status != "CANCEL":
        raise SkillError("CANCEL_NOT_ALLOWED", f"the cancel was answered, but task {task_id} "
                         f"is {status}", taskId=task_id, status=status,
                         hint="only SUBMITTED tasks can be cancelled")
    return {"taskId": task_id, "status": status}


if __name__ == "__main__":
    sys.exit(run(main))
