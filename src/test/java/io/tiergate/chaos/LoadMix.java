package io.tiergate.chaos;

import io.tiergate.testsupport.OpenLoopLoad.Request;
import java.util.ArrayList;
import java.util.List;

/** The chaos run's traffic: a mix of MEV-style reads and batches, each request knowing the ids it expects back. */
final class LoadMix {

    static final String ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    static final int BATCH_SIZE = 5;

    private static final String[][] READS = {
            {"eth_blockNumber", "[]"},
            {"eth_chainId", "[]"},
            {"eth_getBalance", "[\"" + ACCOUNT + "\",\"latest\"]"},
            {"eth_getTransactionCount", "[\"" + ACCOUNT + "\",\"latest\"]"},
            {"eth_gasPrice", "[]"},
    };

    private LoadMix() {
    }

    /** Three singles, then a batch of five, over and over. */
    static Request request(int index) {
        if (index % 4 == 3) {
            List<String> ids = new ArrayList<>();
            StringBuilder body = new StringBuilder("[");
            for (int k = 0; k < BATCH_SIZE; k++) {
                String id = "\"b" + index + "-" + k + "\"";
                ids.add(id);
                body.append(k == 0 ? "" : ",").append(call(id, READS[k]));
            }
            return new Request(body.append(']').toString(), ids);
        }
        String id = Integer.toString(index);
        return new Request(call(id, READS[index % 4 % READS.length]), List.of(id));
    }

    static boolean isBatch(Request request) {
        return request.body().startsWith("[");
    }

    private static String call(String idJson, String[] read) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"method\":\"" + read[0] + "\",\"params\":" + read[1] + "}";
    }
}
