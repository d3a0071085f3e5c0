-- POSTs one fixed JSON body ($BODY) with the bearer token ($WARDEN_TOKEN).
dofile(os.getenv("BENCH_DIR") .. "/wrk/common.lua")
wrk.method = "POST"
wrk.body = os.getenv("BODY") or "{}"
for k, v in pairs(warden_headers()) do wrk.headers[k] = v end
