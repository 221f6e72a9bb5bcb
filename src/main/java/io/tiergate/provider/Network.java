package io.tiergate.provider;

import io.tiergate.provider.HeadTracker;
import io.tiergate.policy.MethodPolicy;
import java.util.ArrayList;
import java.util.List;

/** A network at run time: tiers in priority order, and the method policy its clients get. */
public final class Network {

    private final NetworkDefinition definition;
    private final List<Tier> tiers;
    private final MethodPolicy policy;
    private final HeadTracker heads;

    public Network(NetworkDefinition definition, List<Tier> tiers, MethodPolicy policy) {
        this.definition = definition;
        this.tiers = List.copyOf(tiers);
        this.policy = policy;
        this.heads = new HeadTracker(this::providers, definition.maxLagBlocks());
    }

    public HeadTracker heads() {
        return heads;
    }

    public String name() {
        return definition.name();
    }

    public NetworkDefinition definition() {
        return definition;
    }

    public List<Tier> tiers() {
        return tiers;
    }

    public MethodPolicy policy() {
        return policy;
    }

    /** How many providers the network has, without building the list (asked on the request path). */
    public int providerCount() {
        int count = 0;
        for (Tier tier : tiers) {
            count += tier.providers().size();
        }
        return count;
    }

    public List<Provider> providers() {
        List<Provider> all = new ArrayList<>();
        for (Tier tier : tiers) {
            all.addAll(tier.providers());
        }
        return all;
    }

    /** The tier traffic goes to now: the first with a healthy provider, else the first with any usable one. */
    public Tier servingTier() {
        Tier fallback = null;
        for (Tier tier : tiers) {
            for (Provider p : tier.providers()) {
                Availability availability = p.availability();
                if (availability == Availability.USABLE) {
                    return tier;
                }
                if (availability.selectable() && fallback == null) {
                    fallback = tier;
                }
            }
        }
        return fallback;
    }

    public Tier tier(String name) {
        for (Tier tier : tiers) {
            if (tier.name().equals(name)) {
                return tier;
            }
        }
        return null;
    }

    /** The tier a provider sits in, or null. */
    public Tier tierOf(Provider provider) {
        for (Tier tier : tiers) {
            if (tier.providers().contains(provider)) {
                return tier;
            }
        }
        return null;
    }

    public Provider provider(String name) {
        for (Tier tier : tiers) {
            for (Provider p : tier.providers()) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
        }
        return null;
    }
}
