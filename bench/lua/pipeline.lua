-- Pipelined load: every write carries `depth` requests (first script argument, default 16) for
-- the URL's path. wrk counts each response, so req/s is per request; latency is per batch.
local depth = 16

init = function(args)
  depth = tonumber(args[1]) or depth
  local one = wrk.format(nil, wrk.path)
  local batch = {}
  for i = 1, depth do
    batch[i] = one
  end
  req = table.concat(batch)
end

request = function()
  return req
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"socket_errors":%d,"non2xx":%d,'
      .. '"p50":%d,"p90":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
