-- wrk script for bench/run: builds the POST body of each request (D1's /query body, which the
-- Miniflare peer's Worker accepts too) and, when the run ends, prints one line
--   BENCH {"requests":..,"seconds":..,"rps":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,"p999_ms":..,"max_ms":..,"errors":..}
-- that bench/run records. Latency percentiles come from wrk's own histogram (per request, from
-- the request being written to its response being read), which wrk corrects for coordinated
-- omission before done() sees it: a request that took S also counts at S - I, S - 2I, ..., I being
-- the run's mean interval per connection, so at 1 connection a stall weighs S / I samples.
-- Usage: wrk ... -s d1.lua URL -- MODE ROWS [TOKEN]
--   MODE: point | range | insert | batch | big | get      ROWS: rows in table kv
local mode, rows, token
local batchBody
local counter = 0

local threadId = 0
function setup(thread)
  threadId = threadId + 1
  thread:set("tid", threadId)
end

function init(args)
  mode, rows, token = args[1], tonumber(args[2]), args[3]
  math.randomseed(os.time() * 1000 + (tid or 0))
  -- Add to wrk.headers rather than replace it: it holds the Host header wrk derived from the URL.
  wrk.headers["Content-Type"] = "application/json"
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  if mode == "get" then
    wrk.method = "GET"
    wrk.body = nil
  else
    wrk.method = "POST"
  end
  if mode == "batch" then
    local parts = {}
    for i = 1, 1000 do
      parts[i] = '{"sql":"INSERT INTO log(v) VALUES (?)","params":["row-value-of-some-length"]}'
    end
    batchBody = '{"batch":[' .. table.concat(parts, ",") .. "]}"
  end
end

function request()
  if mode == "point" then
    return wrk.format(nil, nil, nil,
      '{"sql":"SELECT * FROM kv WHERE id = ?","params":[' .. math.random(rows) .. "]}")
  elseif mode == "range" then
    return wrk.format(nil, nil, nil,
      '{"sql":"SELECT * FROM kv WHERE id >= ? ORDER BY id LIMIT 100","params":[' ..
        math.random(rows - 100) .. "]}")
  elseif mode == "insert" then
    counter = counter + 1
    return wrk.format(nil, nil, nil,
      '{"sql":"INSERT INTO log(v) VALUES (?)","params":["row-value-of-some-length"]}')
  elseif mode == "batch" then
    return wrk.format(nil, nil, nil, batchBody)
  elseif mode == "big" then
    return wrk.format(nil, nil, nil, '{"sql":"SELECT * FROM big"}')
  else
    return wrk.format()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"rps":%.2f,"p50_ms":%.4f,"p90_ms":%.4f,"p99_ms":%.4f,"p999_ms":%.4f,"max_ms":%.4f,"errors":%d,"status_errors":%d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, errors, e.status))
end
