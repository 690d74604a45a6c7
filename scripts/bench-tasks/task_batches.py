"""The standard task's 100 createJobRuns requests, as every Python client sends them:
odd ones into group-review, even ones after job-7, 10 sendTask job runs each."""


def batches():
    """(query parameters, jobs) of each request, in order."""
    for request in range(1, 101):
        jobs = [{
            "action": "sendTask", "triggerType": "whenEligible",
            "arguments": {"type": "sendTask", "sendTaskArgs": {
                "assignee": {"id": "user123", "type": "user"},
                "title": f"Task {request}.{i}", "dueDate": "2024-12-15"}},
        } for i in range(1, 11)]
        params = {"parentGroupId": "group-review"} if request % 2 == 1 else {"relativeSiblingId": "job-7", "before": "false"}
        yield params, jobs
