-- scripts/bench.lua -- wrk script for scripts/bench: an optional form POST
-- (BENCH_BODY set), and one machine-readable result line at the end.
-- With BENCH_USERS=N, "@USER@" in the body becomes one of N usernames,
-- user1..userN: each thread takes its own half (or share) and goes round
-- it, so no two requests in flight log the same user in (the login
-- throttle counts an attempt before its hash); with BENCH_USER_FILE, the
-- N names are that file's lines instead.  With BENCH_SESSIONS=FILE
-- (session tokens, one per line), each request sends the next token of
-- the thread's share as its session cookie (with BENCH_RANDOM=1, one of
-- them at random: requests spread evenly over all of them).
local body = os.getenv("BENCH_BODY")
local sessions_file = os.getenv("BENCH_SESSIONS")
local tokens, tn = nil, 0
local random = os.getenv("BENCH_RANDOM") == "1"
local names = nil
local users = tonumber(os.getenv("BENCH_USERS") or "0")
local threads, offset, span, n = 0, 0, 1, 0

if body and body ~= "" then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

setup = function(thread)
    thread:set("index", threads)
    threads = threads + 1
end

init = function(args)
    local count = tonumber(os.getenv("BENCH_THREADS_N") or "1")
    if users > 0 then
        span = math.max(1, math.floor(users / count))
        offset = (index or 0) * span
        local uf = os.getenv("BENCH_USER_FILE")
        if uf and uf ~= "" then
            names = {}
            for line in io.lines(uf) do
                names[#names + 1] = line
            end
        end
    end
    if sessions_file and sessions_file ~= "" then
        local all = {}
        for line in io.lines(sessions_file) do
            all[#all + 1] = line
        end
        -- This thread's share, in turn.
        local share = math.max(1, math.floor(#all / count))
        local first = (index or 0) * share
        math.randomseed(os.time() + 7919 * (index or 0))
        tokens = {}
        for i = 1, share do
            tokens[i] = all[((first + i - 1) % #all) + 1]
        end
    end
end

request = function()
    if tokens then
        if random then
            tn = math.random(#tokens)
        else
            tn = tn % #tokens + 1
        end
        return wrk.format(nil, nil, {["Cookie"] = "sessionid=" .. tokens[tn]})
    end
    if users > 0 and body and body ~= "" then
        n = n + 1
        local k = offset + (n % span) + 1
        local b = string.gsub(body, "@USER@", names and names[k] or ("user" .. k))
        return wrk.format(nil, nil, nil, b)
    end
    return wrk.format()
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT %d %d %d %d %d %d\n",
        summary.requests, summary.duration,
        latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout))
end
