package io.tiergate.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionErrorTest {

    @ParameterizedTest
    @ValueSource(strings = {"already known", "ALREADY_EXISTS: already known", "Known transaction: 0xabc",
            "transaction already imported", "AlreadyKnown", "tx already exists in cache",
            "transaction already in the pool"})
    void nodesSayingTheyHaveTheTransactionAccepted(String message) {
        assertThat(SubmissionError.of(message)).isEqualTo(SubmissionError.ALREADY_KNOWN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonce too low", "nonce too low: next nonce 5, tx nonce 4", "Nonce too low",
            "OldNonce", "the nonce has already been used"})
    void spentNoncesNeedALookup(String message) {
        assertThat(SubmissionError.of(message)).isEqualTo(SubmissionError.NONCE_USED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"replacement transaction underpriced", "insufficient funds for gas * price + value",
            "nonce too high", "intrinsic gas too low", "invalid sender", ""})
    void otherErrorsAreRejections(String message) {
        assertThat(SubmissionError.of(message)).isEqualTo(SubmissionError.REJECTED);
        assertThat(SubmissionError.of(null)).isEqualTo(SubmissionError.REJECTED);
    }
}
