-- Plain keep-alive load: wrk's static request, plus one JSON line of exact numbers at the end
-- (latency in microseconds) so the runner does not parse wrk's rounded human output.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"socket_errors":%d,"non2xx":%d,'
      .. '"p50":%d,"p90":%d,"p99":%d,"max":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
