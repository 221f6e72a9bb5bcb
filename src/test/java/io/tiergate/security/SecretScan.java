package io.tiergate.security;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;

/**
 * Looks for secrets in text a user or an operator can see: each secret as written, percent-encoded (form and
 * path style), with JSON's escaped slash, in Base64, and its longest run of letters and digits (which survives
 * any encoding that leaves letters and digits alone, and any truncation that keeps the key's body).
 */
final class SecretScan {

    private static final Pattern ALNUM_RUN = Pattern.compile("[A-Za-z0-9]{10,}");

    private final Map<String, Set<String>> formsByName = new LinkedHashMap<>();

    /** {@code secrets}: a name for the report, then the secret, and so on. */
    SecretScan(String... namesAndSecrets) {
        for (int i = 0; i < namesAndSecrets.length; i += 2) {
            formsByName.put(namesAndSecrets[i], forms(namesAndSecrets[i + 1]));
        }
    }

    static Set<String> forms(String secret) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        forms.add(form);
        forms.add(form.replace("+", "%20"));
        forms.add(secret.replace("/", "\\/"));
        forms.add(Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        String longest = "";
        Matcher run = ALNUM_RUN.matcher(secret);
        while (run.find()) {
            longest = run.group().length() > longest.length() ? run.group() : longest;
        }
        if (!longest.isEmpty()) {
            forms.add(longest);
        }
        return forms;
    }

    /** Records a soft failure for every form of every secret found in {@code text}. */
    void check(SoftAssertions soft, String surface, String text) {
        formsByName.forEach((name, forms) -> {
            for (String form : forms) {
                soft.assertThat(text).as("%s shows secret %s (as '%s')", surface, name, form).doesNotContain(form);
            }
        });
    }

    /** True when {@code text} shows any secret in any form (for positive controls). */
    boolean foundIn(String text) {
        return formsByName.values().stream().flatMap(Set::stream).anyMatch(text::contains);
    }
}
