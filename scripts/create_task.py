#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Create an AIVideoMaker video task: validate, price, send (or --dry-run), optionally wait.

Usage:
    python3 scripts/create_task.py t2v --prompt "a red fox in snow" --aspect-ratio 16:9 --duration 5
    python3 scripts/create_task.py i2v --image photo.png --duration 5 --wait --download ./videos
    python3 scripts/create_task.py lv --image a.png --prompt "shot 1" --prompt "shot 2" --dry-run
"""
import sys

from aivideo import config
from aivideo.errors import SkillError
from aivideo.models import MODELS, estimate_credits
from aivideo.output import ArgumentParser, run, seconds

EPILOG = """examples:
  create_task.py t2v --prompt "a red fox running through snow, low tracking shot" \\
      --aspect-ratio 16:9 --duration 8 --wait --download ./videos
  create_task.py i2v --image ./photo.jpg --prompt "slow push-in" --duration 5 --dry-run
  create_task.py lv --image https://example.com/first.png --prompt "segment 1" \\
      --prompt "segment 2" --max-credits 150
  echo '{"prompt": "a lighthouse", "aspectRatio": "1:1", "duration": "5"}' | \\
      create_task.py t2v --input -

credits: t2v/i2v duration x 1; t2v_v3/i2v_v3 duration x 10; lv prompts x 5 x 15.
A create estimated above the budget (--max-credits, else AIVIDEO_MAX_CREDITS, else 50) is not
sent (BUDGET_EXCEEDED); --dry-run always shows the price and exits 0."""


def parse_args(argv):
    parser = ArgumentParser(prog="create_task.py", description=__doc__.split("\n")[0],
                            epilog=EPILOG)
    parser.add_argument("model", help="one of " + ", ".join(MODELS))
    parser.add_argument("--prompt", action="append",
                        help="text prompt; for lv repeat it, one per 5-second segment (1-6)")
    parser.add_argument("--image", help="i2v/lv/i2v_v3: https URL, data:image/...;base64 URI, "
                                        "or a local PNG/JPEG/WebP/GIF file")
    parser.add_argument("--aspect-ratio", help="t2v/t2v_v3: 16:9, 9:16 or 1:1")
    parser.add_argument("--duration", help="seconds: 5 or 8 (t2v, i2v); 5, 10, 15 or 20 (v3)")
    parser.add_argument("--input", metavar="FILE|-",
                        help="JSON request body in the API's field names; flags override it")
    parser.add_argument("--webhook-url", help="https URL the API calls on status changes")
    parser.add_argument("--max-credits", type=int, metavar="N",
                        help="refuse to send when the estimate is above N (default 50)")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate and price only; print the request; send nothing")
    parser.add_argument("--wait", action="store_true", help="wait for the task to finish")
    parser.add_argument("--timeout", type=seconds, default=900.0, metavar="S",
                        help="with --wait: give up waiting after S seconds (default 900)")
    parser.add_argument("--download", metavar="DIR", help="with --wait: save the video in DIR")
    parser.add_argument("--force", action="store_true",
                        help="with --download: overwrite a different existing file")
    parser.add_argument("--resubmit", action="store_true",
                        help="send again although an earlier identical create never answered "
                             "(only when the user confirmed no task was created)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    from aivideo.validation import build_body, preview, read_input, validate
    base = read_input(args.input) if args.input else None
    body = validate(args.model, build_body(args.model, base, args.prompt, args.image,
                                           args.aspect_ratio, args.duration))
    credits = estimate_credits(args.model, body)
    budget = config.max_credits(args.max_credits)
    if args.webhook_url:
        config.check_url(args.webhook_url, "--webhook-url", "webhookUrl")
    if args.download and not args.wait:
        raise SkillError("INVALID_INPUT", "--download needs --wait", hint="add --wait, or "
                         "save later with download.py TASK_ID --dir DIR")
    if args.dry_run:
        headers = {"key": f"<from {config.API_KEY_VAR}>", "Content-Type": "application/json"}
        if args.webhook_url:
            headers["webhookUrl"] = args.webhook_url
        return {"dryRun": True, "model": args.model, "credits": credits, "budget": budget,
                "withinBudget": credits <= budget,
                "request": {"method": "POST",
                            "url": f"{config.base_url()}/api/v1/generate/{args.model}",
                            "headers": headers, "body": preview(body)}}
    if credits > budget:
        raise SkillError("BUDGET_EXCEEDED", f"this {args.model} job is estimated at {credits} "
                         f"credits, above the budget of {budget}; nothing was sent",
                         hint=f"tell the user it costs {credits} credits; if they agree, run "
                              f"the same command with --max-credits {credits}",
                         credits=credits, budget=budget, flag=f"--max-credits {credits}")
    from aivideo import workflow
    ctx = workflow.Context()
    created = workflow.submit(ctx, args.model, body, credits, args.webhook_url, args.resubmit)
    result = {"taskId": created["taskId"], "status": created["status"], "model": args.model,
              "credits": credits}
    if created.get("reconciled"):
        result["reconciled"] = True
    if not args.wait:
        result["next"] = workflow.script_command("poll.py", created["taskId"])
        return result
    tracked, views = workflow.wait_and_collect(ctx, [created["taskId"]], args.timeout,
                                               download_dir=args.download, force=args.force)
    error = workflow.outcome_error(tracked, views, download_dir=args.download)
    if error:
        error.details.update(credits=credits, taskId=created["taskId"])
        raise error
    return {**result, **views[0], "credits": credits}


if __name__ == "__main__":
    sys.exit(run(main))
