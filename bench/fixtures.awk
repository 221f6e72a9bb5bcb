# Writes the JSON-RPC bodies of bench/run into the directory DIR (awk -v dir=DIR -f fixtures.awk).
# Answers carry the ids tiergate sends upstream (position in the body + 1): 1 for a single request, 1..10
# for the batch, so the same static answer serves a client talking directly and tiergate.
function hex(n,    s, i) {
  s = ""
  for (i = 0; i < n; i++) s = s substr("0123456789abcdef", int(rand() * 16) + 1, 1)
  return s
}
function write(name, text) { printf "%s", text > (dir "/" name); close(dir "/" name) }
BEGIN {
  srand(8)
  head = "0x1406f40"
  write("small-request.json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}")
  write("small-answer.json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" head "\"}")

  # A batch as a bot sends it: the head, balances, nonces, a storage slot and an eth_call, all at "latest".
  split("eth_blockNumber eth_getBalance eth_getTransactionCount eth_getBalance eth_getStorageAt eth_call eth_getBalance eth_getTransactionCount eth_gasPrice eth_getBalance", methods, " ")
  req = "["; ans = "["
  for (i = 1; i <= 10; i++) {
    m = methods[i]; addr = "\"0x" hex(40) "\""
    if (m == "eth_getBalance" || m == "eth_getTransactionCount") params = "[" addr ",\"latest\"]"
    else if (m == "eth_getStorageAt") params = "[" addr ",\"0x0\",\"latest\"]"
    else if (m == "eth_call") params = "[{\"to\":" addr ",\"data\":\"0x70a08231000000000000000000000000" hex(40) "\"},\"latest\"]"
    else params = "[]"
    req = req (i > 1 ? "," : "") "{\"jsonrpc\":\"2.0\",\"id\":" i ",\"method\":\"" m "\",\"params\":" params "}"
    result = (m == "eth_blockNumber") ? "\"" head "\"" : (m == "eth_call" || m == "eth_getStorageAt") ? "\"0x" hex(64) "\"" : "\"0x" hex(12) "\""
    ans = ans (i > 1 ? "," : "") "{\"jsonrpc\":\"2.0\",\"id\":" i ",\"result\":" result "}"
  }
  write("batch-request.json", req "]")
  write("batch-answer.json", ans "]")

  # eth_getBlockByNumber with full transactions: about 1 MiB, like a busy mainnet block.
  write("large-request.json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getBlockByNumber\",\"params\":[\"" head "\",true]}")
  bh = "0x" hex(64)
  out = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"number\":\"" head "\",\"hash\":\"" bh "\",\"parentHash\":\"0x" hex(64) \
        "\",\"miner\":\"0x" hex(40) "\",\"stateRoot\":\"0x" hex(64) "\",\"transactionsRoot\":\"0x" hex(64) \
        "\",\"receiptsRoot\":\"0x" hex(64) "\",\"logsBloom\":\"0x" hex(512) "\",\"gasLimit\":\"0x1c9c380\"," \
        "\"gasUsed\":\"0x1c9a1f2\",\"timestamp\":\"0x66a3b1c7\",\"baseFeePerGas\":\"0x3b9aca00\",\"transactions\":["
  n = 0
  while (length(out) < 1048576 - 1000) {
    tx = "{\"blockHash\":\"" bh "\",\"blockNumber\":\"" head "\",\"from\":\"0x" hex(40) "\",\"gas\":\"0x" hex(5) \
         "\",\"gasPrice\":\"0x" hex(9) "\",\"maxFeePerGas\":\"0x" hex(9) "\",\"maxPriorityFeePerGas\":\"0x" hex(7) \
         "\",\"hash\":\"0x" hex(64) "\",\"input\":\"0x" hex(8 + 64 * int(1 + rand() * 4)) "\",\"nonce\":\"0x" hex(3) \
         "\",\"to\":\"0x" hex(40) "\",\"transactionIndex\":\"0x" sprintf("%x", n) "\",\"value\":\"0x" hex(14) \
         "\",\"type\":\"0x2\",\"accessList\":[],\"chainId\":\"0x1\",\"v\":\"0x1\",\"r\":\"0x" hex(64) \
         "\",\"s\":\"0x" hex(64) "\",\"yParity\":\"0x1\"}"
    out = out (n > 0 ? "," : "") tx
    n++
  }
  write("large-answer.json", out "],\"uncles\":[],\"withdrawals\":[]}}")
}
