-- wrk script for `make bench`: cycles through the requests of a scenario file (BENCH_REQUESTS, a Lua
-- table of {method, path, headers, body}), each thread on its own stride so two threads never send the
-- same request together; counts responses by kind and prints one JSON line when done.
--   ok:      200
--   acked:   302 to anything but an application's review page (a submission the portal acknowledged)
--   refused: 302 back to the review page (the portal refused the submission)
--   other:   any other status

local requests = dofile(os.getenv("BENCH_REQUESTS"))
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   stride = tonumber(os.getenv("BENCH_THREADS") or "1")
   position = id
   ok, acked, refused, other = 0, 0, 0, 0
   prepared = {}
   for i, r in ipairs(requests) do
      prepared[i] = wrk.format(r.method, r.path, r.headers, r.body)
   end
end

function request()
   local r = prepared[(position % #prepared) + 1]
   position = position + stride
   return r
end

function response(status, headers, body)
   if status == 200 then
      ok = ok + 1
   elseif status == 302 then
      local location = headers["Location"] or headers["location"] or ""
      if string.find(location, "/review/", 1, true) then
         refused = refused + 1
      else
         acked = acked + 1
      end
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local totals = {ok = 0, acked = 0, refused = 0, other = 0}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(totals) do
         totals[key] = totals[key] + thread:get(key)
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "timeouts": %d, ' ..
      '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"ok": %d, "acked": %d, "refused": %d, "other": %d}\n',
      summary.requests, summary.duration, e.connect + e.read + e.write + e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      totals.ok, totals.acked, totals.refused, totals.other))
end
