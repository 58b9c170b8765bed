#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Save a COMPLETED AIVideoMaker task's video (default name <taskId>.mp4 in --dir).

Usage:
    python3 scripts/download.py TASK_ID --dir ./videos
    python3 scripts/download.py TASK_ID --output ./fox.mp4
"""
import sys

from aivideo.output import ArgumentParser, run

EPILOG = """examples:
  download.py ckabc123 --dir ./videos
  download.py ckabc123 --output ./clips/fox.mp4 --force

Downloading never creates or charges a task. An interrupted download resumes; an existing file
with the same content is reused; a different one is kept unless --force."""


def main(argv):
    parser = ArgumentParser(prog="download.py", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("task_id", metavar="TASK_ID")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--dir", help="folder for <taskId>.mp4 (default: current folder)")
    where.add_argument("--output", metavar="FILE", help="exact file path to write")
    parser.add_argument("--force", action="store_true", help="overwrite a different file")
    args = parser.parse_args(argv)
    from aivideo import workflow
    from aivideo.downloads import Downloader
    from aivideo.errors import SkillError
    from aivideo.tasks import check_task_id, normalize_status, video_urls
    task_id = check_task_id(args.task_id)
    ctx = workflow.Context()
    task = ctx.api.get_task(task_id)
    status = normalize_status(task.get("status"))
    if status != "COMPLETED":
        code = {"FAILED": "TASK_FAILED", "CANCEL": "TASK_CANCELLED"}.get(status, "TIMEOUT")
        raise SkillError(code, f"task {task_id} is {status}, so there is no video to save",
                         taskId=task_id, status=status,
                         hint="wait with: " + workflow.script_command(
                             "poll.py", task_id, "--download", args.dir or ".")
                         if code == "TIMEOUT" else "create a new task if the video is wanted")
    task.setdefault("id", task_id)
    files = Downloader(ctx.api, ctx.journal, force=args.force).save_task(
        task, directory=args.dir, output=args.output)
    return {"taskId": task_id, "status": status, "model": task.get("model"),
            "videoUrls": video_urls(task.get("output")), "files": files}


if __name__ == "__main__":
    sys.exit(run(main))
