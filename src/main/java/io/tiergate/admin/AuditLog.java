package io.tiergate.admin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import lombok.extern.slf4j.Slf4j;

/**
 * The trail of operator changes: one log line each (logger {@code tiergate.audit}) and the most recent
 * ones kept for {@code GET /admin/audit}. This replica's own changes; a shared store's trail
 * ({@code io.tiergate.cluster}) extends it with every replica's.
 */
@Slf4j(topic = "tiergate.audit")
public class AuditLog {

    /** Entries kept for {@code GET /admin/audit}, here and in a shared trail. */
    protected static final int KEPT = 1000;

    private final Deque<AuditEntry> recent = new ArrayDeque<>();
    private final String replica;

    /** {@code replica}: this replica's name, written in each entry it records. */
    public AuditLog(String replica) {
        this.replica = replica;
    }

    public String replica() {
        return replica;
    }

    public void record(AuditEntry entry) {
        log.info("admin {} by {} on {}/{}: {} -> {} at {} (replica {})", entry.action(), entry.actor(), entry.network(),
                entry.provider(), entry.before(), entry.after(), entry.at(), entry.replica());
        synchronized (recent) {
            recent.addFirst(entry);
            if (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    /** Newest first. */
    public List<AuditEntry> recent(int limit) {
        synchronized (recent) {
            List<AuditEntry> out = new ArrayList<>(Math.min(limit, recent.size()));
            for (AuditEntry e : recent) {
                if (out.size() == limit) {
                    break;
                }
                out.add(e);
            }
            return out;
        }
    }
}
