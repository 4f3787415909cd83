-- wrk script of the scan benchmark: GET the paths listed in a file (one per line), in turn,
-- from a random starting line, asking for JSON; prints one line of JSON figures at the end.
-- Usage: wrk -t1 -c4 -d5s -s bench/wrk_paths.lua http://127.0.0.1:8000 -- paths.txt

wrk.headers["Accept"] = "application/json"

local paths, count, position = {}, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    count = count + 1
    paths[count] = line
  end
  math.randomseed(os.time())
  position = math.random(count) - 1
end

function request()
  position = position % count + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
