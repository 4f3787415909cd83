-- wrk script of the scan and resolver benchmarks: GET the paths listed in a file (one per line),
-- in turn, from a random starting line, with the Accept header given as the second argument
-- (JSON when none); prints one line of JSON figures at the end.
-- Usage: wrk -t1 -c4 -d5s -s bench/wrk_paths.lua http://127.0.0.1:8000 -- paths.txt [accept]

-- The BENCH_JSON line is written by wrk_report.lua, next to this file.
local write_figures = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "")
  .. "wrk_report.lua")

local paths, count, position = {}, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    count = count + 1
    paths[count] = line
  end
  wrk.headers["Accept"] = args[2] or "application/json"
  math.randomseed(os.time())
  position = math.random(count) - 1
end

function request()
  position = position % count + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  write_figures(summary, latency)
end
