package io.tiergate.cluster;

import io.tiergate.admin.AuditEntry;
import io.tiergate.admin.AuditLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The audit trail of every replica, in a Redis list (newest first, the last {@value AuditLog#KEPT}). Each replica
 * still logs its own changes; an entry recorded while Redis is unreachable is pushed at the next sync, and
 * {@code GET /admin/audit} answers from this replica's own entries until Redis returns.
 */
public final class SharedAuditLog extends AuditLog {

    private final RedisLink link;
    private final ClusterJson json;
    private final String listKey;
    private final Queue<AuditEntry> unsent = new ConcurrentLinkedQueue<>();

    public SharedAuditLog(String replica, RedisLink link, ClusterJson json) {
        super(replica);
        this.link = link;
        this.json = json;
        this.listKey = link.key("audit");
    }

    @Override
    public void record(AuditEntry entry) {
        super.record(entry);
        unsent.add(entry);
        try {
            flush();
        } catch (RuntimeException e) {
            link.failed(e);
        }
    }

    @Override
    public List<AuditEntry> recent(int limit) {
        try {
            List<String> values = link.strings().sync().lrange(listKey, 0, limit - 1L);
            link.succeeded();
            List<AuditEntry> entries = new ArrayList<>(values.size());
            values.forEach(v -> entries.add(json.auditEntry(v)));
            return entries;
        } catch (RuntimeException e) {
            link.failed(e);
            return super.recent(limit);
        }
    }

    /**
     * Pushes entries not yet in Redis, oldest first; throws when it is unreachable. One pusher at a time: the admin
     * call and the sync round would otherwise both push the entry at the head of the queue.
     */
    public synchronized void flush() {
        AuditEntry next;
        while ((next = unsent.peek()) != null) {
            link.strings().sync().lpush(listKey, json.write(next));
            link.strings().sync().ltrim(listKey, 0, KEPT - 1L);
            unsent.poll();
        }
    }
}
