-- One fixed request: BENCH_METHOD (GET), BENCH_BODY (JSON, optional), BENCH_TOKEN (bearer,
-- optional), all from the environment, so one script serves every route.
local token = os.getenv("BENCH_TOKEN")
local body = os.getenv("BENCH_BODY")
wrk.method = os.getenv("BENCH_METHOD") or "GET"
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

-- Exact percentiles (microseconds) for bench/report.py, besides wrk's rounded table.
function done(summary, latency, requests)
  io.write(string.format("BENCH_P50_US %d\nBENCH_P99_US %d\n", latency:percentile(50), latency:percentile(99)))
end
