package dev.wnd.ingest.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How far a replay got, as stored (JSON, keyed by replay id) in the compacted position topic in the same
 * transaction as the records it counts.
 *
 * @param replayId the replay's id
 * @param fingerprint fingerprint of the input and stream options the records came from
 * @param records records of the stream committed
 * @param complete whether the stream was committed to its end
 */
record ReplayPosition(String replayId, String fingerprint, long records, boolean complete) {

    ReplayPosition {
        Objects.requireNonNull(replayId, "replayId");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("replay_id", replayId);
        json.put("fingerprint", fingerprint);
        json.put("records", records);
        json.put("complete", complete);
        try {
            return new ObjectMapper().writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ReplayPosition fromJson(String text) {
        try {
            JsonNode node = new ObjectMapper().readTree(text);
            return new ReplayPosition(node.path("replay_id").asText(), node.path("fingerprint").asText(),
                    node.path("records").asLong(), node.path("complete").asBoolean());
        } catch (JsonProcessingException e) {
            throw new ReplayException("unreadable replay position '" + text + "': " + e.getOriginalMessage(), e);
        }
    }
}
