"""The five endpoints of the reference, with their answers checked and their errors named."""
from .errors import SkillError
from .tasks import check_task_id, normalize_status


def _unexpected(what, reply):
    return SkillError("UNEXPECTED_RESPONSE", f"unexpected answer to {what} (HTTP {reply.status})",
                      hint="the API answered in a shape this skill does not know; try again "
                           "later or report it")


class Api:
    def __init__(self, client):
        self.client = client

    def create(self, model, body, webhook_url=None):
        headers = {"webhookUrl": webhook_url} if webhook_url else {}
        reply = self.client.create(f"/api/v1/generate/{model}", body, headers)
        data = reply.data if isinstance(reply.data, dict) else {}
        task_id = data.get("taskId")
        if 200 <= reply.status < 300 and isinstance(task_id, str) and task_id:
            return {"taskId": check_task_id(task_id),
                    "status": normalize_status(data.get("status") or "SUBMITTED")}
        if 200 <= reply.status < 300 and normalize_status(data.get("status")) != "FAILED":
            raise SkillError("SUBMIT_UNCERTAIN", "the create answer carried no taskId",
                             hint="check list_tasks.py before creating again", retryable=False)
        raise SkillError("INVALID_INPUT", f"the API refused the request: {reply.message}",
                         hint="fix the request as the message says; no task was created",
                         httpStatus=reply.status)

    def list_tasks(self):
        reply = self.client.query("GET", "/api/v1/tasks")
        data = reply.data
        tasks = data.get("tasks") if isinstance(data, dict) else data
        if reply.status != 200 or not isinstance(tasks, list):
            raise _unexpected("list tasks", reply)
        return [t for t in tasks if isinstance(t, dict) and isinstance(t.get("id"), str)]

    def get_task(self, task_id):
        reply = self.client.query("GET", f"/api/v1/tasks/{check_task_id(task_id)}")
        self._check_found(task_id, reply)
        if not isinstance(reply.data, dict) or "status" not in reply.data:
            raise _unexpected("get task", reply)
        return reply.data

    def status(self, task_id):
        reply = self.client.query("GET", f"/api/v1/tasks/{check_task_id(task_id)}/status")
        self._check_found(task_id, reply)
        if not isinstance(reply.data, dict) or not isinstance(reply.data.get("status"), str):
            raise _unexpected("task status", reply)
        return normalize_status(reply.data["status"])

    def cancel(self, task_id):
        reply = self.client.query("PUT", f"/api/v1/tasks/{check_task_id(task_id)}/cancel")
        self._check_found(task_id, reply)
        if 200 <= reply.status < 300:
            return reply.data if isinstance(reply.data, dict) else {}
        if 400 <= reply.status < 500:
            raise SkillError("CANCEL_NOT_ALLOWED", f"the API refused to cancel: {reply.message}",
                             hint="only SUBMITTED tasks can be cancelled", taskId=task_id)
        raise _unexpected("cancel", reply)

    @staticmethod
    def _check_found(task_id, reply):
        if reply.status == 404:
            raise SkillError("TASK_NOT_FOUND", f"no task {task_id} under this API key",
                             hint="check the id with list_tasks.py (tasks belong to the key "
                                  "that created them)", taskId=task_id)
        if not 200 <= reply.status < 300 and reply.status != 400:
            raise _unexpected("a task request", reply)
