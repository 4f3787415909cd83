-- The end of every wrk script of the benchmarks: wrk's own figures (requests, errors,
-- latency percentiles) as one line `BENCH_JSON {...}`, which bench/servers.py run_wrk reads.
-- `extra` adds members to that object (text starting with ", "), as bench/mixed.lua does.
-- A script next to this file loads it with
--   local write_figures = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "")
--     .. "wrk_report.lua")
-- (the folder of the running script, so that it works from any working directory).

return function(summary, latency, extra)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}%s}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, extra or ""))
end
