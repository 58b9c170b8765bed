#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Show one AIVideoMaker task in full: input, output, status and times.

Usage:
    python3 scripts/get_task.py TASK_ID
"""
import sys

from aivideo.output import ArgumentParser, run

EPILOG = """example:
  get_task.py ckabc123

`output` is passed through as the API returned it; `videoUrls` lists the video URLs found in it."""


def main(argv):
    parser = ArgumentParser(prog="get_task.py", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("task_id", metavar="TASK_ID")
    args = parser.parse_args(argv)
    from aivideo import workflow
    from aivideo.images import describe
    from aivideo.tasks import check_task_id, normalize_status, video_urls
    ctx = workflow.Context()
    task = ctx.api.get_task(check_task_id(args.task_id))
    task_input = task.get("input")
    if isinstance(task_input, dict) and "image" in task_input:
        task_input = {**task_input, "image": describe(task_input["image"])}
    return {"taskId": task.get("id", args.task_id), "status": normalize_status(task["status"]),
            "model": task.get("model"), "createdAt": task.get("createdAt"),
            "completedAt": task.get("completedAt"), "input": task_input,
            "output": task.get("output"), "videoUrls": video_urls(task.get("output"))}


if __name__ == "__main__":
    sys.exit(run(main))
