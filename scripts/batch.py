#!/usr/bin/env python3
# /// script
# requires-python = ">=3.9"
# dependencies = ["requests>=2.25", "jsonschema>=4.0", "pyyaml>=5.4"]
# ///
"""Make many videos from one manifest (YAML or JSON): budget first, then submit, wait, download.

Usage:
    python3 scripts/batch.py shots.yaml --dry-run      # the plan and its total credits
    python3 scripts/batch.py shots.yaml                # run it; rerun after any stop to resume
"""
import sys

from aivideo.output import ArgumentParser, run

EPILOG = """manifest (schemas/batch.json):
  budget: 120            # total credits this batch may spend (default: --max-credits,
                         # else AIVIDEO_MAX_CREDITS, else 50)
  concurrency: 4         # tasks in flight at once
  output: ./videos       # folder, relative to the manifest
  timeout: 1800          # seconds this run may wait
  jobs:
    - {model: t2v, name: fox, prompt: "a red fox in snow", aspectRatio: "16:9", duration: 5}
    - {model: i2v, image: ./product.png, prompt: "slow orbit", duration: 5}

examples:
  batch.py shots.yaml --dry-run
  batch.py shots.yaml
  batch.py shots.yaml --max-credits 300

A rerun submits nothing twice: jobs that already have a task are resumed, only new ones are
sent. The total for jobs not yet submitted must fit the budget before anything is sent."""


def main(argv):
    parser = ArgumentParser(prog="batch.py", description=__doc__.split("\n")[0], epilog=EPILOG)
    parser.add_argument("manifest", metavar="MANIFEST")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate, price and print the plan; send nothing")
    parser.add_argument("--max-credits", type=int, metavar="N",
                        help="total budget when the manifest has none")
    args = parser.parse_args(argv)
    from aivideo import config, workflow
    from aivideo.batch import FINISHED, NO_VIDEO, BatchState, load_manifest, plan_jobs, run_batch
    from aivideo.errors import SkillError
    manifest = load_manifest(args.manifest)
    base_url = config.base_url()
    jobs = plan_jobs(manifest, args.manifest, base_url)
    state = BatchState(config.state_dir(), args.manifest)
    records = state.load()
    for job in jobs:
        job.record = dict(records.get(job.key, {}))
    budget = manifest.get("budget", config.max_credits(args.max_credits))
    to_send = sum(j.credits for j in jobs if not j.task_id)
    totals = {"jobs": len(jobs), "credits": sum(j.credits for j in jobs),
              "creditsToSend": to_send, "budget": budget}
    if args.dry_run:
        return {"dryRun": True, "withinBudget": to_send <= budget, "totals": totals,
                "jobs": [j.view() for j in jobs]}
    if to_send > budget:
        raise SkillError("BUDGET_EXCEEDED", f"the batch needs {to_send} more credits, above "
                         f"its budget of {budget}; nothing was sent", credits=to_send,
                         budget=budget, flag=f"--max-credits {to_send}",
                         hint=f"tell the user the batch costs {to_send} credits; if they "
                              f"agree, set budget: {to_send} in the manifest or pass "
                              f"--max-credits {to_send}")
    ctx = workflow.Context()
    run_batch(ctx, jobs, state, manifest, args.manifest)
    views = [j.view() for j in jobs]
    statuses = [v["status"] for v in views]
    totals.update(completed=statuses.count("COMPLETED"),
                  failed=sum(s in NO_VIDEO for s in statuses))
    running = [v["taskId"] for v in views if v["status"] not in FINISHED]
    resume = workflow.script_command("batch.py", args.manifest)
    if running:
        raise SkillError("TIMEOUT", f"{len(running)} job(s) still running; they keep going and "
                         "are not charged again", hint=f"resume with: {resume}",
                         taskIds=running, resume=resume, totals=totals, jobs=views)
    if totals["failed"]:
        raise SkillError("TASK_FAILED", f"{totals['failed']} job(s) did not produce a video "
                         "(failed tasks are refunded)", hint="fix or remove those jobs and rerun "
                         f"{resume}; finished jobs are not sent again", totals=totals, jobs=views)
    return {"totals": totals, "jobs": views}


if __name__ == "__main__":
    sys.exit(run(main))
