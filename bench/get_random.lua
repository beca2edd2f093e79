-- wrk script: GET /api/v1/contacts/{id} with uniformly random ids in 1..MAX_ID,
-- keep-alive, bearer token from the environment. Each wrk thread draws its
-- own fixed sequence (seed 42 + thread number), so runs repeat and threads
-- do not ask for the same ids.
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
local token = os.getenv("TOKEN") or ""
local threads = 0
setup = function(thread)
  thread:set("seed", 42 + threads)
  threads = threads + 1
end
init = function(args)
  math.randomseed(seed or 42)
end
request = function()
  local path = "/api/v1/contacts/" .. math.random(1, max_id)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
