-- fs.write of 1 KiB. Each request writes out/<thread>-<n % FILES>.txt: the first round creates
-- files, later rounds overwrite them, each time keeping a pre-image for undo. FILES defaults to 1000.
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")

local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

function init(args)
  n = 0
  files = tonumber(os.getenv("FILES") or "1000")
  content = string.rep("0123456789abcdef", 64) -- 1024 bytes
  headers = warden_headers()
end

function request()
  n = n + 1
  local body = string.format('{"path":"out/%d-%d.txt","content":"%s"}', id, n % files, content)
  return wrk.format("POST", nil, headers, body)
end
