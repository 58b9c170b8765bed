"""batch.py: a manifest of jobs, one budget, concurrency, and resuming without resubmitting."""
import json

import yaml
from conftest import creates, run_script, write_png


def write_manifest(folder, jobs, **options):
    path = folder / "shots.yaml"
    path.write_text(yaml.safe_dump({"jobs": jobs, **options}))
    return path


JOBS = [
    {"model": "t2v", "name": "fox", "prompt": "a fox", "aspectRatio": "16:9", "duration": 5},
    {"model": "t2v", "name": "owl", "prompt": "an owl", "aspectRatio": "1:1", "duration": "8"},
    {"model": "i2v", "image": "frame.png", "duration": 5},
]


def test_dry_run_prints_the_plan_and_total(run, sandbox, tmp_path):
    write_png(tmp_path / "frame.png")
    manifest = write_manifest(tmp_path, JOBS, budget=30)
    result = run("batch.py", manifest, "--dry-run")
    assert result.code == 0 and result.json["totals"]["credits"] == 18
    assert result.json["withinBudget"] is True
    assert [j["credits"] for j in result.json["jobs"]] == [5, 8, 5]
    assert sandbox.requests == []


def test_budget_is_checked_before_anything_is_sent(run, sandbox, tmp_path):
    write_png(tmp_path / "frame.png")
    result = run("batch.py", write_manifest(tmp_path, JOBS, budget=10))
    assert result.code == 4 and result.error["code"] == "BUDGET_EXCEEDED"
    assert result.error["credits"] == 18 and sandbox.requests == []


def test_invalid_job_names_its_index(run, sandbox, tmp_path):
    jobs = JOBS[:1] + [{"model": "t2v_v3", "prompt": "x", "aspectRatio": "1:1", "duration": 8}]
    result = run("batch.py", write_manifest(tmp_path, jobs))
    assert result.code == 2 and result.error["job"] == 1 and sandbox.requests == []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"jobs": [{"model": "t2v"}], "surprise": 1}))
    assert run("batch.py", bad).error["field"] == "surprise"


def test_runs_every_job_and_names_files(run, sandbox, tmp_path):
    write_png(tmp_path / "frame.png")
    manifest = write_manifest(tmp_path, JOBS, budget=30, output="out", concurrency=2)
    result = run("batch.py", manifest)
    assert result.code == 0, result
    assert result.json["totals"]["completed"] == 3
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    third = result.json["jobs"][2]["taskId"]
    assert names == sorted(["fox.mp4", "owl.mp4", f"{third}.mp4"])
    assert len(creates(sandbox)) == 3


def test_rerun_after_a_stop_submits_nothing_twice(run, slow_sandbox, tmp_path):
    write_png(tmp_path / "frame.png")
    manifest = write_manifest(tmp_path, JOBS, budget=30, output="out", timeout=0.5)
    first = run("batch.py", manifest, box=slow_sandbox)
    assert first.code == 6 and first.error["code"] == "TIMEOUT"
    assert "batch.py" in first.error["resume"]
    assert len(creates(slow_sandbox)) == 3
    slow_sandbox.advance(60)
    second = run("batch.py", manifest, box=slow_sandbox)
    assert second.code == 0 and second.json["totals"]["completed"] == 3
    assert len(creates(slow_sandbox)) == 3
    dry = run("batch.py", manifest, "--dry-run", box=slow_sandbox)
    assert dry.json["totals"]["creditsToSend"] == 0


def test_concurrency_limits_tasks_in_flight(run, slow_sandbox, tmp_path):
    jobs = [{"model": "t2v", "prompt": f"shot {i}", "aspectRatio": "16:9", "duration": 5}
            for i in range(5)]
    manifest = write_manifest(tmp_path, jobs, budget=25, concurrency=2, timeout=0.5)
    result = run("batch.py", manifest, box=slow_sandbox)
    assert result.code == 6 and len(creates(slow_sandbox)) == 2


def test_identical_jobs_are_separate_variations(run, sandbox, tmp_path):
    job = {"model": "t2v", "prompt": "same", "aspectRatio": "16:9", "duration": 5}
    manifest = write_manifest(tmp_path, [job, job], budget=10, output="out")
    assert run("batch.py", manifest).code == 0
    assert len(creates(sandbox)) == 2
    assert run("batch.py", manifest).code == 0 and len(creates(sandbox)) == 2


def test_failed_job_is_reported_and_refunded(run, sandbox, tmp_path):
    sandbox.fail_next()
    manifest = write_manifest(tmp_path, JOBS[:2], budget=20, output="out")
    result = run("batch.py", manifest)
    assert result.code == 7 and result.error["totals"]["failed"] == 1
    assert result.error["totals"]["completed"] == 1


def test_manifest_may_be_json(tmp_path, sandbox):
    path = tmp_path / "shots.json"
    path.write_text(json.dumps({"jobs": JOBS[:1], "output": "v"}))
    result = run_script("batch.py", path, box=sandbox)
    assert result.code == 0 and (tmp_path / "v" / "fox.mp4").exists()


def test_batch_timeout_cannot_be_infinite(run, sandbox, tmp_path):
    path = tmp_path / "shots.yaml"
    path.write_text("timeout: .inf\njobs:\n  - {model: t2v, prompt: x, aspectRatio: '1:1', "
                    "duration: 5}\n")
    result = run("batch.py", path)
    assert result.code == 2 and result.error["field"] == "timeout" and sandbox.requests == []


def test_job_whose_task_vanished_ends_instead_of_waiting_forever(run, slow_sandbox, tmp_path):
    manifest = write_manifest(tmp_path, JOBS[:2], budget=20, timeout=0.5)
    first = run("batch.py", manifest, box=slow_sandbox)
    assert first.code == 6
    gone = first.error["taskIds"][0]
    del slow_sandbox.tasks[gone]  # as if deleted on the server
    slow_sandbox.order.remove(gone)
    slow_sandbox.advance(60)
    second = run("batch.py", manifest, box=slow_sandbox)
    assert second.code == 7 and second.error["totals"]["failed"] == 1
    assert [j["status"] for j in second.error["jobs"]] == ["ERROR", "COMPLETED"]
