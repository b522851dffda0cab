-- wrk script for the benchmarks (rest.py, load.py): send requests from a file, count statuses,
-- and, for a mix, count and time them per category.
--
-- Usage: wrk ... -s benchmarks/_wrk.lua http://127.0.0.1:PORT -- REQUESTS_FILE [timed]
--
-- REQUESTS_FILE holds one request per line, either a bare path (a GET; rest.py) or
-- "CATEGORY<TAB>METHOD<TAB>PATH[<TAB>JSON BODY]" (load.py's mix). A file name containing "%d"
-- is a template: thread i (0-based) reads its own file, string.format(REQUESTS_FILE, i);
-- otherwise every thread reads the one file and starts at a different line. Each thread cycles
-- through its requests, so a benchmark of "GET /artists/{id}" spreads over many ids instead of
-- hitting one cached row.
--
-- Why count statuses here: wrk's own summary lumps every status >= 400 into one number and says
-- nothing about 3xx; an endpoint that does not exist yet answers 404 very fast, and a benchmark
-- must report that instead of measuring it. A POST answered 200 with a GraphQL "errors" member
-- is counted under the status "graphql_errors".
--
-- "timed": each request's latency is recorded under its category. wrk's Lua hooks do not say
-- which connection a response belongs to, so this is only exact with one connection per thread
-- (wrk -tN -cN), where request() and response() strictly alternate; load.py runs it so. A
-- request that never got its response (socket error, reconnect) is counted as "lost".
--
-- `done` prints one line, "WRK_RESULT {json}", that _wrk.py parses (latencies in microseconds).

local prepared = {}
local categories = {}
local posts = {}
local cursor = 0
local timed = false
local pending = nil
local started = 0
local now_us = nil
local category_index = {}
local verifying = false

-- Everything `done` reads from a thread, in ONE flat table: wrk's thread:get pops one value too
-- many from the thread's Lua stack for every table it copies (and crashes on nested tables), so
-- a second table read per thread corrupts that stack. Keys: "sent"; "S:<status>" (all
-- requests); in timed runs "s:<category>:<status>", "lost:<category>", "name:<index>",
-- "pending_since" (when the request still unanswered was sent, µs), and the array part, one
-- number per answered request: category index * 2^32 + latency in µs. wrk itself counts a
-- timeout only when the late answer finally arrives, so a server that stops answering shows
-- up only in "unanswered_ms" (how long each connection's last request had waited at the end).
export = { sent = 0 }

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_index", #threads)
end

local function monotonic_clock()
  local ffi = require("ffi")
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } soundstream_timespec;
    int clock_gettime(int clock_id, soundstream_timespec *tp);
  ]])
  local ts = ffi.new("soundstream_timespec")
  return function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
  end
end

local json_headers = { ["Content-Type"] = "application/json" }

local function count(key)
  export[key] = (export[key] or 0) + 1
end

function init(args)
  local file = args[1]
  if file == nil then
    error("usage: wrk ... -s _wrk.lua URL -- REQUESTS_FILE [timed]")
  end
  local index = (thread_index or 1) - 1
  local per_thread = string.find(file, "%d", 1, true) ~= nil
  if per_thread then
    file = string.format(file, index)
  end
  timed = args[2] == "timed"
  if timed then
    now_us = monotonic_clock()
  end
  for line in io.lines(file) do
    if #line > 0 then
      local category, method, path, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
      if category == nil then
        category, method, path, body = "all", "GET", line, ""
      end
      if #body > 0 then
        table.insert(prepared, wrk.format(method, path, json_headers, body))
      else
        table.insert(prepared, wrk.format(method, path))
      end
      table.insert(categories, category)
      table.insert(posts, #body > 0)
      if category_index[category] == nil then
        local n = 0
        for _ in pairs(category_index) do
          n = n + 1
        end
        category_index[category] = n + 1
        export["name:" .. (n + 1)] = category
      end
    end
  end
  if #prepared == 0 then
    error("no requests in " .. file)
  end
  if not per_thread then
    -- Threads start at different points of the one list, so they do not request the same ids.
    cursor = index * 997 % #prepared
  end
  -- wrk calls request() once on the first thread right after init, to check what the script
  -- returns; that request is never sent, so it must not count as sent or lost.
  verifying = index == 0
end

function request()
  if verifying then
    verifying = false
    return prepared[cursor % #prepared + 1]
  end
  cursor = cursor % #prepared + 1
  export.sent = export.sent + 1
  if timed then
    if pending ~= nil then
      count("lost:" .. categories[pending])
    end
    pending = cursor
    started = now_us()
    export.pending_since = started
  end
  return prepared[cursor]
end

function response(status, headers, body)
  local key = tostring(status)
  if status == 200 and posts[pending or cursor] and body and body:find('"errors"', 1, true) then
    key = "graphql_errors"
  end
  count("S:" .. key)
  if timed and pending ~= nil then
    local elapsed = math.floor(now_us() - started + 0.5)
    local category = categories[pending]
    count("s:" .. category .. ":" .. key)
    export[#export + 1] = category_index[category] * 4294967296 + elapsed
    export.pending_since = nil
    pending = nil
  end
end

local function json_counts(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format('"%s": %d', key, value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function bucket(map, key)
  local value = map[key]
  if value == nil then
    value = {}
    map[key] = value
  end
  return value
end

function done(summary, latency, requests)
  local now = monotonic_clock()()
  local unanswered = {}
  local statuses = {}
  local sent = {}
  local by_category = {}
  for _, thread in ipairs(threads) do
    local data = thread:get("export") or {}
    table.insert(sent, string.format("%d", data.sent or 0))
    if data.pending_since ~= nil then
      table.insert(unanswered, string.format("%.1f", (now - data.pending_since) / 1000))
    end
    local names = {}
    for key, value in pairs(data) do
      if type(key) == "string" then
        local kind, rest = key:match("^([^:]+):(.*)$")
        if kind == "S" then
          statuses[rest] = (statuses[rest] or 0) + value
        elseif kind == "s" then
          local category, status = rest:match("^(.*):([^:]+)$")
          local c = bucket(by_category, category)
          local counts = bucket(c, "statuses")
          counts[status] = (counts[status] or 0) + value
        elseif kind == "lost" then
          local c = bucket(by_category, rest)
          c.lost = (c.lost or 0) + value
        elseif kind == "name" then
          names[tonumber(rest)] = value
        end
      end
    end
    for _, packed in ipairs(data) do
      local index = math.floor(packed / 4294967296)
      local c = bucket(by_category, names[index])
      local samples = bucket(c, "latency_us")
      samples[#samples + 1] = string.format("%d", packed - index * 4294967296)
    end
  end
  local parts = {}
  for name, c in pairs(by_category) do
    table.insert(parts, string.format(
      '"%s": {"statuses": %s, "lost": %d, "latency_us": [%s]}',
      name, json_counts(c.statuses or {}), c.lost or 0, table.concat(c.latency_us or {}, ",")
    ))
  end
  local percentiles = {}
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    table.insert(percentiles, string.format('"%s": %d', tostring(p), latency:percentile(p)))
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"duration_us": %d, "requests": %d, "bytes": %d, "statuses": %s, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "percentiles": {%s}}, '
      .. '"sent": [%s], "unanswered_ms": [%s], "categories": {%s}}\n',
    summary.duration, summary.requests, summary.bytes, json_counts(statuses),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency.max, table.concat(percentiles, ", "),
    table.concat(sent, ","), table.concat(unanswered, ","), table.concat(parts, ", ")
  ))
end
