package io.tiergate.provider;

import java.util.ArrayList;
import java.util.List;

/** One priority level of a network: its providers (the selector keeps the strategy that spreads load over them). */
public final class Tier {

    private final String name;
    private final int priority;
    private volatile List<Provider> providers;

    public Tier(String name, int priority, List<Provider> providers) {
        this.name = name;
        this.priority = priority;
        this.providers = List.copyOf(providers);
    }

    public String name() {
        return name;
    }

    public int priority() {
        return priority;
    }

    public List<Provider> providers() {
        return providers;
    }

    /** Copy-on-write: requests in progress keep iterating the list they read. */
    public synchronized void add(Provider provider) {
        List<Provider> next = new ArrayList<>(providers);
        next.add(provider);
        providers = List.copyOf(next);
    }

    public synchronized boolean remove(Provider provider) {
        List<Provider> next = new ArrayList<>(providers);
        boolean removed = next.remove(provider);
        providers = List.copyOf(next);
        return removed;
    }
}
