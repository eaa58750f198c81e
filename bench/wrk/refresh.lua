-- POST /api/token/refresh/ the way clients do it: each refresh token is used once and the
-- rotated one from the answer is used next. BENCH_TOKENS_FILE holds one refresh token per
-- line; thread i takes lines i, i+N, ... (at least one per connection), so no token is ever
-- presented twice (that would be reuse, and a refusal, on both stacks).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  pool = {}
  local n = 0
  local line_no = 0
  local count = tonumber(os.getenv("BENCH_THREADS") or "2")
  for line in io.lines(os.getenv("BENCH_TOKENS_FILE")) do
    if line_no % count == id then
      n = n + 1
      pool[n] = line
    end
    line_no = line_no + 1
  end
end

function request()
  local token = table.remove(pool) or "exhausted"
  return wrk.format("POST", "/api/token/refresh/", {["Content-Type"] = "application/json"},
                    '{"refresh": "' .. token .. '"}')
end

function response(status, headers, body)
  local refresh = body:match('"refresh"%s*:%s*"([^"]+)"')
  if status == 200 and refresh then
    table.insert(pool, refresh)
  end
end

-- Exact percentiles (microseconds) for bench/report.py, besides wrk's rounded table.
function done(summary, latency, requests)
  io.write(string.format("BENCH_P50_US %d\nBENCH_P99_US %d\n", latency:percentile(50), latency:percentile(99)))
end
