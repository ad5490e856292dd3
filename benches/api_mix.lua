-- The search API over the 1,263 distinct queries of benches/queries.txt (made from the demo
-- vocabulary: titles, words of titles and descriptions alone and combined, part numbers with and
-- without separators, HS codes and headings, brands, English titles, Arabic letters, Persian
-- digits, missing or spaced ZWNJ, dropped letters), each request the next query.
local queries = {}
for line in io.lines("benches/queries.txt") do
  local encoded = line:gsub("([^%w%-_%.~])", function(c)
    return string.format("%%%02X", string.byte(c))
  end)
  queries[#queries + 1] = "/api/v1/needs?q=" .. encoded
end
local i = math.random(#queries)
request = function()
  i = i % #queries + 1
  return wrk.format("GET", queries[i])
end
