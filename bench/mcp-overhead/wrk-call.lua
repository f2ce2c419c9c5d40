-- wrk script: one stateless MCP tools/call per request, an indexed single-row lookup with a
-- random id on the bench table (bench_items, 100,000 rows). Profiles the server with the load
-- generator's own cost out of the way; see README.md. MCP_TOKEN adds a bearer token.
local token = os.getenv("MCP_TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"query_database","arguments":{"query":"SELECT id, name, price FROM bench_items WHERE id = %d"}}}',
    counter, math.random(1, 100000))
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = "2025-11-25",
  }
  if token then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", nil, headers, body)
end
