#!/usr/bin/env bash
# The standard task with curl and jq: the same requests as standard-task.lua
# (token once, 100 requests of 10 job runs, the run read back).
#   bash standard-task.sh URL
set -euo pipefail
base="$1"
version="X-Version: 2026-04-01.processes.preview"
token=$(curl -sf -u sandbox-client:sandbox-secret -H "$version" -d grant_type=client_credentials "$base/oauth2/token" | jq -r .access_token)
for request in $(seq 1 100); do
  body=$(jq -cn --argjson r "$request" '[range(1; 11) | {action: "sendTask", triggerType: "whenEligible",
    arguments: {type: "sendTask", sendTaskArgs: {assignee: {id: "user123", type: "user"},
    title: "Task \($r).\(.)", dueDate: "2024-12-15"}}}]')
  if (( request % 2 == 1 )); then query="parentGroupId=group-review"; else query="relativeSiblingId=job-7&before=false"; fi
  curl -sf -o /dev/null -X POST -H "$version" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
    -d "$body" "$base/processRuns/demo-run/jobRuns?$query"
done
count=$(curl -sf -H "$version" -H "Authorization: Bearer $token" "$base/processRuns/demo-run" |
  jq '[.. | objects | select(has("action"))] | length')
if [ "$count" -ne 1006 ]; then echo "expected 1006 job runs, found $count" >&2; exit 1; fi
