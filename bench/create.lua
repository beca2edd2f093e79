-- wrk script: POST /api/v1/contacts, each request a new contact (its own
-- name, email and phone from a counter, so the duplicate guard never
-- answers 409), keep-alive, bearer token from the environment. RUN tells
-- the runs of one benchmark apart (their counters start alike), WRITER the
-- wrk processes of one run (0-9), and each wrk thread counts in a range of
-- its own. No Idempotency-Key: a retry is not what this measures.
local token = os.getenv("TOKEN") or ""
local run = tonumber(os.getenv("RUN") or "0")
local writer = tonumber(os.getenv("WRITER") or "0")
local threads = 0
setup = function(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local n = 0
request = function()
  n = n + 1
  local id = run * 10000000 + writer * 1000000 + (tid or 0) * 100000 + n
  local body = string.format(
    '{"first_name":"Bench","last_name":"Create %d","emails":["bench.create.%d@example.com"],'
      .. '"phones":["+48 5%08d"],"status":"lead"}', id, id, id % 100000000)
  return wrk.format("POST", "/api/v1/contacts", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
