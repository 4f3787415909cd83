-- wrk script of the mixed benchmark (bench/mixed.py): scans, searches and event writes in
-- the proportions given, with latency and status counts kept per class in Lua, and one line
-- of JSON figures printed at the end.
--
-- Usage: wrk -tN -cN -d60s -s bench/mixed.lua http://127.0.0.1:8000 -- \
--          tags.txt searches.txt components.txt <buyer token> <contractor token> \
--          <scan share> <search share> <html share of scans>
-- Run it with as many threads as connections (-tN -cN): each thread then has one request in
-- flight at a time, so the class and start time of that request are known when its
-- response arrives. Time comes from clock_gettime(CLOCK_MONOTONIC) through LuaJIT's FFI.

-- The BENCH_JSON line is written by wrk_report.lua, next to this file.
local write_figures = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "")
  .. "wrk_report.lua")

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } mixed_timespec;
int clock_gettime(int clk_id, mixed_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("mixed_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local CLASSES = { "scan", "search", "event" }
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      lines[#lines + 1] = line
    end
  end
  return lines
end

local tags, searches, components
local buyer, contractor
local scan_share, search_share, html_share
local pending_class, pending_start = nil, 0
local sent = 0

-- Per class, flat globals (wrk's thread:get copies nested tables wrongly): latencies in µs
-- as arrays named <class>_latency, and counts by "<class> <status>" in `statuses`.
scan_latency, search_latency, event_latency = {}, {}, {}
statuses = {}
local latencies = { scan = scan_latency, search = search_latency, event = event_latency }

function init(args)
  tags = read_lines(args[1])
  searches = read_lines(args[2])
  components = read_lines(args[3])
  buyer = "Bearer " .. args[4]
  contractor = "Bearer " .. args[5]
  scan_share = tonumber(args[6])
  search_share = tonumber(args[7])
  html_share = tonumber(args[8])
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

local function pick(list)
  return list[math.random(#list)]
end

local EVENT_BODIES = {
  '{"kind": "inspected", "condition": 4, "notes": "mixed benchmark inspection"}',
  '{"kind": "inspected", "condition": 3}',
  '{"kind": "note", "notes": "mixed benchmark: fixings checked, no damage"}',
}

function request()
  local roll = math.random()
  pending_start = now_us()
  if roll < scan_share then
    pending_class = "scan"
    local accept = (math.random() < html_share) and "text/html" or "application/json"
    return wrk.format("GET", "/t/" .. pick(tags), { ["Accept"] = accept })
  elseif roll < scan_share + search_share then
    pending_class = "search"
    return wrk.format("GET", pick(searches), {
      ["Accept"] = "application/json",
      ["Authorization"] = buyer,
    })
  end
  pending_class = "event"
  sent = sent + 1
  local key = string.format("mixed-%d-%d-%d-%d", thread_id or 0, os.time(), sent,
    math.random(1000000000))
  return wrk.format("POST", "/api/v1/components/" .. pick(components) .. "/events", {
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
    ["Authorization"] = contractor,
    ["Idempotency-Key"] = key,
  }, pick(EVENT_BODIES))
end

function response(status, headers, body)
  local class = pending_class
  if class == nil then
    return
  end
  local latency = latencies[class]
  latency[#latency + 1] = now_us() - pending_start
  local key = class .. " " .. tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  pending_class = nil
end

local function percentile(sorted, p)
  if #sorted == 0 then
    return 0
  end
  local rank = math.max(1, math.ceil(p / 100 * #sorted))
  return sorted[rank]
end

function done(summary, latency, requests)
  local merged = {}
  for _, name in ipairs(CLASSES) do
    merged[name] = { latency = {}, status = {} }
  end
  for _, thread in ipairs(threads) do
    for _, name in ipairs(CLASSES) do
      local all = merged[name].latency
      for _, value in ipairs(thread:get(name .. "_latency")) do
        all[#all + 1] = value
      end
    end
    for key, count in pairs(thread:get("statuses")) do
      local name, code = key:match("^(%a+) (%d+)$")
      local status = merged[name].status
      status[code] = (status[code] or 0) + count
    end
  end
  local parts = {}
  for _, name in ipairs(CLASSES) do
    local m = merged[name]
    table.sort(m.latency)
    local codes = {}
    for code, count in pairs(m.status) do
      codes[#codes + 1] = string.format('"%s": %d', code, count)
    end
    parts[#parts + 1] = string.format(
      '"%s": {"requests": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"status": {%s}}',
      name, #m.latency, percentile(m.latency, 50), percentile(m.latency, 90),
      percentile(m.latency, 99), percentile(m.latency, 100), table.concat(codes, ", "))
  end
  write_figures(summary, latency, ', "classes": {' .. table.concat(parts, ", ") .. "}")
end
