-- Shared by the wrk scripts: the bearer token and a one-line, machine-readable summary.
--   WARDEN_TOKEN  the bearer token
function warden_headers()
  return {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("WARDEN_TOKEN") or ""),
  }
end

-- errors.status counts answers that were not 2xx/3xx; the audit check relies on it being 0.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f non2xx=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), e.status,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
