-- wrk script: cycle through the request paths listed in the file PATHS (one per
-- line), keep-alive, bearer token from the environment.
local token = os.getenv("TOKEN") or ""
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Authorization"] = "Bearer " .. token })
end
