"""The standard task's floor: the requests of standard_task.py, built before
the clock matters, sent over one keep-alive connection with the standard
library's http.client, each answer read to its end and not parsed (the token's
aside). What is left is the server's time and the loopback's: no client does
the task faster.
    python3 standard_task_floor.py URL
"""
import base64
import http.client
import json
import sys
import urllib.parse

from task_batches import batches

url = urllib.parse.urlsplit(sys.argv[1])
version = {"X-Version": "2026-04-01.processes.preview"}
requests = [("POST", "/processRuns/demo-run/jobRuns?" + urllib.parse.urlencode(params), json.dumps(jobs).encode())
            for params, jobs in batches()]
requests.append(("GET", "/processRuns/demo-run", None))

connection = http.client.HTTPConnection(url.hostname, url.port)
basic = base64.b64encode(b"sandbox-client:sandbox-secret").decode()
connection.request("POST", "/oauth2/token", body="grant_type=client_credentials", headers={
    "Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
answer = connection.getresponse()
headers = dict(version, Authorization="Bearer " + json.loads(answer.read())["access_token"])
headers["Content-Type"] = "application/json"
for method, path, body in requests:
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    if answer.status >= 300:
        sys.exit(f"{method} {path}: {answer.status}")
