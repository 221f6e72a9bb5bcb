-- wrk script of bench/run: POSTs the JSON-RPC body in the file $BENCH_BODY and prints one RESULT line
-- (latencies in microseconds) in the same format as the Java load generator.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d sent=%d errors=%d seconds=%.3f rps=%.1f mbps=%.2f p50=%d p99=%d p999=%d max=%d\n",
    summary.requests, summary.requests, errors, seconds, summary.requests / seconds,
    summary.bytes / seconds / 1048576, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
