-- scripts/bench.lua -- wrk script for scripts/bench: an optional form POST
-- (BENCH_BODY set), and one machine-readable result line at the end.
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %d %d %d %d\n",
        summary.requests, summary.duration,
        latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout))
end
