package io.tiergate.cluster;

import io.tiergate.admin.AuditEntry;
import io.tiergate.admin.ProviderOverride;
import tools.jackson.databind.json.JsonMapper;

/** How shared state is written in Redis: overrides and audit entries as JSON (readable with redis-cli). */
public final class ClusterJson {

    private final JsonMapper mapper = JsonMapper.builder().build();

    public String write(Object value) {
        return mapper.writeValueAsString(value);
    }

    public ProviderOverride override(String json) {
        return mapper.readValue(json, ProviderOverride.class);
    }

    public AuditEntry auditEntry(String json) {
        return mapper.readValue(json, AuditEntry.class);
    }
}
