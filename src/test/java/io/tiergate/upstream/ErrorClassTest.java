package io.tiergate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorClassTest {

    @ParameterizedTest(name = "[{index}] {0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        -32005 | query returned more than 10000 results                                  | DETERMINISTIC
        -32000 | eth_getLogs block range too large, range: 100000, max: 10000             | DETERMINISTIC
        # Rate limits and quotas (Infura, Alchemy, QuickNode, Ankr, Chainstack, BlockPI, public endpoints)
        -32005 | daily request count exceeded, request rate limited                                  | RATE_LIMITED
        -32005 | project ID request rate exceeded                                                    | RATE_LIMITED
        429    | Your app has exceeded its compute units per second capacity. If you have retries enabled, you can safely ignore this message. | RATE_LIMITED
        -32007 | request limit reached - reduce calls per second or upgrade your account at quicknode.com | RATE_LIMITED
        -32000 | Too many requests, reason: call rate limit exhausted, retry in 10s                   | RATE_LIMITED
        -32000 | Exceeded the quota usage                                                            | RATE_LIMITED
        -32090 | rate limit exceeded                                                                 | RATE_LIMITED
        -32000 | You've exceeded the RPS limit available on the current plan.                        | RATE_LIMITED
        -32603 | Request throttled                                                                   | RATE_LIMITED

        # This provider cannot answer this request (missing data, an internal error on this input): try another,
        # blame no one, and pass the node's answer on when no provider does better
        -32000 | header not found                                                                    | TRY_ELSEWHERE
        -32000 | missing trie node 1a2b3c4d5e6f (path ) state 0x1a2b is not available                | TRY_ELSEWHERE
        -32603 | internal error                                                                      | TRY_ELSEWHERE
        -32603 | ''                                                                                  | TRY_ELSEWHERE
        -32603 | 'failed to evaluate JS code: ReferenceError: noSuchTracer is not defined'          | TRY_ELSEWHERE
        -32000 | unknown block                                                                       | TRY_ELSEWHERE
        -32000 | execution aborted (timeout = 5s)                                                    | TRY_ELSEWHERE
        -32000 | historical state 0xabc is not available                                             | TRY_ELSEWHERE

        # Provider trouble: it cannot serve anything now
        -32002 | resource unavailable                                                                | PROVIDER_FAULT
        -32000 | node is not synced                                                                  | PROVIDER_FAULT
        -32000 | server is overloaded, try again later                                               | PROVIDER_FAULT

        # Deterministic answers: returned to the client as they are
        3      | execution reverted                                                                  | DETERMINISTIC
        3      | execution reverted: ERC20: transfer amount exceeds balance                          | DETERMINISTIC
        3      | execution reverted: RateLimiter: rate limit exceeded                                | DETERMINISTIC
        -32000 | execution reverted                                                                  | DETERMINISTIC
        -32000 | nonce too low: next nonce 5, tx nonce 4                                             | DETERMINISTIC
        -32000 | nonce too high                                                                      | DETERMINISTIC
        -32000 | insufficient funds for gas * price + value                                          | DETERMINISTIC
        -32000 | gas required exceeds allowance (30000000)                                           | DETERMINISTIC
        -32000 | intrinsic gas too low                                                               | DETERMINISTIC
        -32000 | already known                                                                       | DETERMINISTIC
        -32000 | replacement transaction underpriced                                                 | DETERMINISTIC
        -32000 | max code size exceeded                                                              | DETERMINISTIC
        -32000 | max initcode size exceeded                                                          | DETERMINISTIC
        -32000 | exceeds block gas limit                                                             | DETERMINISTIC
        -32000 | max fee per gas less than block base fee                                            | DETERMINISTIC
        -32602 | invalid params                                                                      | DETERMINISTIC
        -32602 | invalid argument 0: hex string without 0x prefix                                    | DETERMINISTIC
        -32602 | Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size. | DETERMINISTIC
        -32600 | invalid request                                                                     | DETERMINISTIC

        # Method not found: another provider may have the namespace
        -32601 | the method foo does not exist/is not available                                      | METHOD_NOT_FOUND
        -32601 | Method not found                                                                    | METHOD_NOT_FOUND
        -32601 | ''                                                                                  | METHOD_NOT_FOUND
        -32000 | the method trace_block does not exist/is not available                              | METHOD_NOT_FOUND
        -32004 | Method not supported                                                                | METHOD_NOT_FOUND
        """)
    void providerErrorsAreClassifiedAsRoutingNeedsThem(int code, String message, ErrorClass expected) {
        assertThat(ErrorClass.of(code, message)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] revert \"{0}\" is the contract's answer")
    @CsvSource(delimiter = '|', textBlock = """
        execution reverted: method does not exist
        execution reverted: Method not found
        execution reverted: quota exceeded for this epoch
        execution reverted: header not found
        """)
    void revertIsTheContractsAnswerWhateverItsReasonSays(String message) {
        // Code 3 is execution reverted (EIP-1474 / geth): the same on every provider.
        assertThat(ErrorClass.of(3, message)).isEqualTo(ErrorClass.DETERMINISTIC);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        -32005 | ''
        429    | ''
        """)
    void rateLimitCodesWithoutMessageAreRateLimits(int code, String message) {
        assertThat(ErrorClass.of(code, message)).isEqualTo(ErrorClass.RATE_LIMITED);
        assertThat(ErrorClass.of(code, null)).isEqualTo(ErrorClass.RATE_LIMITED);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        -32000 | HEADER NOT FOUND                       | TRY_ELSEWHERE
        -32000 | NODE IS NOT SYNCED                     | PROVIDER_FAULT
        -32000 | Rate Limit Exceeded                    | RATE_LIMITED
        -32000 | Execution Reverted                     | DETERMINISTIC
        -32000 | The Method eth_foo Does Not Exist      | METHOD_NOT_FOUND
        """)
    void messagesAreMatchedWhateverTheirCase(int code, String message, ErrorClass expected) {
        assertThat(ErrorClass.of(code, message)).isEqualTo(expected);
    }
}
