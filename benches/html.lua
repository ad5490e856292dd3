-- Rotates through realistic queries (generated from a list of Persian and English searches).
local paths = {
  "/search?q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF",
  "/search?q=%D8%A8%D9%84%D8%A8%D8%B1%D9%8A%D9%86%DA%AF",
  "/search?q=%D9%BE%D9%85%D9%BE%20%DA%AF%D8%B1%DB%8C%D8%B2%20%D8%A7%D8%B2%20%D9%85%D8%B1%DA%A9%D8%B2",
  "/search?q=%22%DA%AF%D8%B1%DB%8C%D8%B2%20%D8%A7%D8%B2%20%D9%85%D8%B1%DA%A9%D8%B2%22",
  "/search?q=6205-2RS",
  "/search?q=8482",
  "/search?q=%D8%B4%DB%8C%D8%B1",
  "/search?q=%DA%A9%D8%A7%D8%B3%D9%87%20%D9%86%D9%85%D8%AF",
  "/search?q=%D9%81%DB%8C%D9%84%D8%AA%D8%B1%20%D9%87%D9%88%D8%A7",
  "/search?q=%D9%85%DA%A9%D8%A7%D9%86%DB%8C%DA%A9%D8%A7%D9%84%20%D8%B3%DB%8C%D9%84",
  "/search?q=SKF6205",
  "/search?q=valve",
  "/search?q=%D8%A8%D9%84%D8%A8%D8%B1%D9%86%DA%AF",
  "/search?q=%D9%82%D8%A7%D9%84%D8%A8%20%D8%AA%D8%B2%D8%B1%DB%8C%D9%82",
  "/search?q=%D8%A7%DB%8C%D9%86%D9%88%D8%B1%D8%AA%D8%B1",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
