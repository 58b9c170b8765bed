"""The pure parts, tested directly: statuses, video URLs, Retry-After, the query budget, the
waiting loop on an injected clock."""
import pytest
from aivideo.http import parse_retry_after
from aivideo.ratelimit import QueryBudget
from aivideo.tasks import normalize_status, video_urls
from aivideo.waiting import Waiter


@pytest.mark.parametrize("raw, expected", [
    ("COMPLETED", "COMPLETED"), ("completed", "COMPLETED"), ("Cancelled", "CANCEL"),
    ("CANCEL", "CANCEL"), ("canceled", "CANCEL"), ("PROGRESS", "PROGRESS"),
    (None, "UNKNOWN"), ("WEIRD", "WEIRD"),
])
def test_statuses_exact_and_tolerant(raw, expected):
    assert normalize_status(raw) == expected


@pytest.mark.parametrize("output, expected", [
    ("https://cdn.x/v.mp4", ["https://cdn.x/v.mp4"]),
    (["https://cdn.x/a.mp4", "https://cdn.x/b.mp4"], ["https://cdn.x/a.mp4", "https://cdn.x/b.mp4"]),
    ({"coverUrl": "https://cdn.x/c.jpg", "videoUrl": "https://cdn.x/sign?id=1"},
     ["https://cdn.x/sign?id=1"]),
    ({"data": {"result": [{"thumbnail": "https://cdn.x/t", "url": "https://cdn.x/v.webm"}]}},
     ["https://cdn.x/v.webm"]),
    ({"url": "https://cdn.x/file"}, ["https://cdn.x/file"]),
    ({"image": "https://cdn.x/only.png"}, []), (None, []), ({"n": 5}, []),
])
def test_video_urls_in_any_shape(output, expected):
    assert video_urls(output) == expected


def test_retry_after_seconds_and_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 25 Nov 2026 20:00:10 GMT", now=1795636800.0) == 10.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


class FakeTime:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_budget_allows_per_minute_then_sleeps_until_a_slot_frees(tmp_path):
    fake = FakeTime()
    budget = QueryBudget(tmp_path, per_minute=3, clock=fake.clock, sleep=fake.sleep)
    for _ in range(3):
        budget.acquire()
    assert fake.sleeps == []
    budget.acquire()
    assert fake.sleeps == [60.0]


def test_budget_is_shared_through_the_state_file(tmp_path):
    fake = FakeTime()
    first = QueryBudget(tmp_path, per_minute=2, clock=fake.clock, sleep=fake.sleep)
    second = QueryBudget(tmp_path, per_minute=2, clock=fake.clock, sleep=fake.sleep)
    first.acquire()
    second.acquire()
    first.hold_off(5)
    fake.now += 1
    second.acquire()
    assert fake.sleeps[0] == pytest.approx(4.0)


def test_budget_survives_a_damaged_state_file(tmp_path):
    (tmp_path / "query-budget.json").write_text("{not json")
    QueryBudget(tmp_path, per_minute=1).acquire()


class ScriptedApi:
    """Statuses over time for the waiting loop, without any server."""

    def __init__(self, fake, finish_at):
        self.fake = fake
        self.finish_at = finish_at
        self.calls = []

    def status(self, task_id):
        self.calls.append("status")
        return "COMPLETED" if self.fake.now >= self.finish_at[task_id] else "PROGRESS"

    def get_task(self, task_id):
        self.calls.append("get")
        return {"id": task_id, "status": self.status(task_id), "output": "https://v/x.mp4"}

    def list_tasks(self):
        self.calls.append("list")
        return [{"id": t, "status": "COMPLETED" if self.fake.now >= at else "PROGRESS"}
                for t, at in self.finish_at.items()]


def test_waiter_detects_completion_within_two_seconds_and_stops_at_timeout():
    fake = FakeTime()
    api = ScriptedApi(fake, {"a": 1000 + 95.3})
    (item,) = Waiter(api, clock=fake.clock, sleep=fake.sleep).wait(["a"], timeout=600)
    assert item.status == "COMPLETED" and fake.now - 1095.3 <= 2.0
    fake = FakeTime()
    api = ScriptedApi(fake, {"a": 10 ** 9})
    (item,) = Waiter(api, clock=fake.clock, sleep=fake.sleep).wait(["a"], timeout=30)
    assert item.status == "PROGRESS" and fake.now - 1000 == pytest.approx(30, abs=0.01)


def test_waiter_uses_one_list_request_per_cycle_for_many():
    fake = FakeTime()
    finish = {f"t{i}": 1000 + 20 + i for i in range(50)}
    api = ScriptedApi(fake, finish)
    items = Waiter(api, clock=fake.clock, sleep=fake.sleep).wait(list(finish), timeout=600)
    assert all(i.status == "COMPLETED" for i in items)
    assert set(api.calls) == {"list"}
    assert len(api.calls) <= (fake.now - 1000) / 1.0 + 1


def test_budget_raises_instead_of_sleeping_past_the_deadline(tmp_path):
    from aivideo.errors import SkillError
    fake = FakeTime()
    budget = QueryBudget(tmp_path, per_minute=1, clock=fake.clock, sleep=fake.sleep)
    budget.acquire()
    budget.deadline = fake.now + 10
    with pytest.raises(SkillError) as caught:
        budget.acquire()
    assert caught.value.code == "RATE_LIMITED" and caught.value.details["retryAfter"] == 60
    assert fake.sleeps == []
