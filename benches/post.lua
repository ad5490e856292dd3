-- The posting path: an organizer posts published needs through the HTML form, each with its own
-- title and part number. wrk -s benches/post.lua, with NIAZ_COOKIE (the session cookie as a
-- Cookie header value), NIAZ_CSRF and NIAZ_ORG (a firm's id) in the environment.
local cookie = os.getenv("NIAZ_COOKIE")
local csrf = os.getenv("NIAZ_CSRF")
local org = os.getenv("NIAZ_ORG")
local threads = 0
local counter = 0

-- Each thread's requests are marked with its own prefix (a global in the thread's Lua state).
function setup(thread)
  threads = threads + 1
  thread:set("prefix", "t" .. threads)
end

local function enc(s)
  return (s:gsub("([^%w%-_.~])", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  counter = counter + 1
  local body = "csrf=" .. csrf .. "&action=submit&organization_id=" .. org
    .. "&title=" .. enc("پروانه پمپ آزمون بار " .. prefix .. " " .. counter)
    .. "&description=" .. enc("پروانه چدنی پمپ سانتریفیوژ آب خنک‌کن، نمونه بار")
    .. "&part_number=" .. enc("LD-" .. prefix .. "-" .. counter)
    .. "&category=pumps&quantity_per_year=12&unit=piece"
  return wrk.format("POST", "/my/needs/new", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
