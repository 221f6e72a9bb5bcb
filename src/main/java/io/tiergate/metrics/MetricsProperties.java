package io.tiergate.metrics;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code tiergate.metrics.methods}: the JSON-RPC methods that get their own {@code method} label; every
 * other method is counted as {@code other}, so client input can never grow the number of series.
 */
@ConfigurationProperties("tiergate.metrics")
public record MetricsProperties(
        @DefaultValue({"eth_blockNumber", "eth_call", "eth_chainId", "eth_estimateGas", "eth_feeHistory",
                "eth_gasPrice", "eth_getBalance", "eth_getBlockByHash", "eth_getBlockByNumber", "eth_getBlockReceipts",
                "eth_getCode", "eth_getLogs", "eth_getProof", "eth_getStorageAt", "eth_getTransactionByHash",
                "eth_getTransactionCount", "eth_getTransactionReceipt", "eth_maxPriorityFeePerGas",
                "eth_sendRawTransaction", "eth_syncing", "eth_createAccessList", "net_version", "web3_clientVersion",
                "debug_traceCall", "debug_traceTransaction", "debug_traceBlockByNumber", "trace_block",
                "trace_transaction", "txpool_content"}) List<String> methods) {
}
