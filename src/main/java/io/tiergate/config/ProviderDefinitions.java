package io.tiergate.config;

import static io.tiergate.config.PropertyChecks.atLeastOne;
import static io.tiergate.config.PropertyChecks.list;
import static io.tiergate.config.PropertyChecks.positive;

import io.tiergate.config.ProviderProperties.MethodsProperties;
import io.tiergate.config.ProviderProperties.QuotaProperties;
import io.tiergate.policy.MethodLists;
import io.tiergate.provider.ProviderDefinition;
import io.tiergate.provider.Quota;
import io.tiergate.provider.UrlRedactor;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one provider's bound properties into a validated {@link ProviderDefinition} with the network's
 * defaults, or null where the provider is left out: its url is empty, or needs an api-key that is not set.
 */
final class ProviderDefinitions {

    /** The lines saying a provider is left out keep the logger users already filter start-up on. */
    private static final Logger log = LoggerFactory.getLogger(NetworkDefinitions.class);
    private static final String API_KEY_TOKEN = "{api-key}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)");

    private ProviderDefinitions() {
    }

    static ProviderDefinition resolve(String network, NetworkProperties n, String tier, ProviderSource source,
            Function<String, String> rawValues) {
        ProviderProperties p = source.properties();
        String key = source.key();
        if (p.name() == null || p.name().isBlank()) {
            throw new InvalidConfigurationException(source.nameKey(), "every provider needs a name");
        }
        String apiKey = p.apiKey() == null ? "" : p.apiKey().trim();
        String rawUrl = p.url() == null ? "" : p.url().trim();
        if (rawUrl.isEmpty()) {
            log.info("Network {}: provider '{}' left out: its url is empty{}", network, p.name(),
                    hint(rawValues, source.urlKey()));
            return null;
        }
        if (rawUrl.contains(API_KEY_TOKEN)) {
            if (apiKey.isEmpty()) {
                log.info("Network {}: provider '{}' left out: its url needs an api-key and none is set{}",
                        network, p.name(), hint(rawValues, source.urlKey(), key + ".api-key"));
                return null;
            }
            rawUrl = rawUrl.replace(API_KEY_TOKEN, apiKey);
        }
        URI url = url(source.urlKey(), rawUrl, "http", "https");
        URI wsUrl = p.wsUrl() == null || p.wsUrl().isBlank() ? null
                : url(key + ".ws-url", p.wsUrl().trim().replace(API_KEY_TOKEN, apiKey), "ws", "wss");
        int weight = p.weight() == null ? 100 : p.weight();
        if (weight < 0 || weight > NetworkDefinitions.MAX_WEIGHT) {
            throw new InvalidConfigurationException(source.weightKey(),
                    "must be between 0 and " + NetworkDefinitions.MAX_WEIGHT + " (was " + weight + ")");
        }
        Duration timeout = p.timeout() == null ? n.timeout() : p.timeout();
        positive(key + ".timeout", timeout);
        int maxFailures = p.maxFailures() == null ? n.maxFailures() : p.maxFailures();
        atLeastOne(key + ".max-failures", maxFailures);
        Duration interval = p.healthCheckInterval() == null ? n.healthCheckInterval() : p.healthCheckInterval();
        positive(key + ".health-check-interval", interval);
        return new ProviderDefinition(p.name().trim(), network, tier, url, UrlRedactor.redact(url, apiKey), wsUrl,
                weight, timeout, maxFailures, interval, p.headers() == null ? Map.of() : Map.copyOf(p.headers()),
                quota(key + ".rate-limit", p.rateLimit()), methods(key + ".methods", p.methods()));
    }

    private static MethodLists methods(String key, MethodsProperties methods) {
        if (methods == null) {
            return MethodLists.EVERY_METHOD;
        }
        return new MethodLists(globs(key + ".allow", methods.allow()), globs(key + ".deny", methods.deny()));
    }

    private static List<String> globs(String key, List<String> globs) {
        List<String> out = new ArrayList<>();
        List<String> given = list(globs);
        for (int i = 0; i < given.size(); i++) {
            String glob = given.get(i) == null ? "" : given.get(i).trim();
            if (glob.isEmpty()) {
                throw new InvalidConfigurationException(key + "[" + i + "]", "must not be empty (a method name or glob)");
            }
            out.add(glob);
        }
        return List.copyOf(out);
    }

    /** " (set A or B)" from the placeholders the keys were written with; empty when there are none. */
    private static String hint(Function<String, String> rawValues, String... keys) {
        List<String> variables = new ArrayList<>();
        for (String key : keys) {
            String raw = rawValues.apply(key);
            if (raw != null) {
                Matcher m = PLACEHOLDER.matcher(raw);
                while (m.find()) {
                    variables.add(m.group(1));
                }
            }
        }
        return variables.isEmpty() ? "" : " (set " + String.join(" or ", variables) + ")";
    }

    private static Quota.Spec quota(String key, QuotaProperties q) {
        if (q == null || (q.requests() == null && q.period() == null)) {
            return null;
        }
        if (q.requests() == null || q.requests() < 1) {
            throw new InvalidConfigurationException(key + ".requests", "must be at least 1");
        }
        positive(key + ".period", q.period());
        return new Quota.Spec(q.requests(), q.period());
    }

    private static URI url(String key, String value, String plainScheme, String tlsScheme) {
        // The value may hold a key: the message says what is wrong, never the value itself.
        String problem = "malformed URL (expected " + plainScheme + "://host[:port][/path] or " + tlsScheme + "://...)";
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase(plainScheme) || scheme.equalsIgnoreCase(tlsScheme))
                    || UrlRedactor.host(uri).isEmpty()) {
                throw new InvalidConfigurationException(key, problem);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(key, problem);
        }
    }
}
