-- wrk script for benchmarks/rest.py: rotate through a list of request paths and count statuses.
--
-- Usage: wrk ... -s benchmarks/_wrk.lua http://127.0.0.1:PORT -- PATHS_FILE
--
-- PATHS_FILE holds one path (with its query string) per line; each connection's requests cycle
-- through them, so a benchmark of "GET /artists/{id}" spreads over many ids instead of hitting
-- one cached row. Why count statuses here: wrk's own summary lumps every status >= 400 into
-- one number and says nothing about 3xx; an endpoint that does not exist yet answers 404 very
-- fast, and a benchmark must report that instead of measuring it. `done` prints one line,
-- "WRK_RESULT {json}", that rest.py parses (latencies in microseconds).

local prepared = {}
local cursor = 0
statuses = {}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk ... -s _wrk.lua URL -- PATHS_FILE")
  end
  for line in io.lines(file) do
    if #line > 0 then
      table.insert(prepared, wrk.format("GET", line))
    end
  end
  if #prepared == 0 then
    error("no request paths in " .. file)
  end
  -- Threads start at different points of the list, so they do not request the same ids.
  cursor = ((thread_index or 1) - 1) * 997 % #prepared
end

function request()
  cursor = cursor % #prepared + 1
  return prepared[cursor]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local function json_object(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local counted = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses") or {}
    for key, value in pairs(seen) do
      counted[key] = (counted[key] or 0) + value
    end
  end
  local percentiles = {}
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    table.insert(percentiles, string.format('"%s": %d', tostring(p), latency:percentile(p)))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, "statuses": %s, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "percentiles": {%s}}}\n',
    summary.duration, summary.requests, summary.bytes, json_object(counted),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, table.concat(percentiles, ", ")
  ))
end
