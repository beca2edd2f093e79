-- wrk script: GET /api/v1/contacts/{id} with uniformly random ids in 1..MAX_ID,
-- keep-alive, bearer token from the environment.
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
local token = os.getenv("TOKEN") or ""
math.randomseed(42)
request = function()
  local path = "/api/v1/contacts/" .. math.random(1, max_id)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
