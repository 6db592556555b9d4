package dev.wnd.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON face of the scorer, for clients without Avro. A request is
 * {@code {"display_id": 123, "uuid": "cb8c55702adb93", "document_id": 379743, "timestamp": 61, "platform": "3",
 * "geo_location": "US>SC>519", "ad_ids": [42337, 139684]}} (fields as in events.csv; platform may be a number, a
 * string, {@code "\\N"} or absent); an answer is {@code {"display_id": 123, "model_version": "...", "ads":
 * [{"ad_id": 139684, "probability": 0.31}, ...]}}, best first. Thread-safe.
 */
public final class JsonContract {

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Parses one request.
     *
     * @throws IllegalArgumentException naming the field when the text is not a valid request
     */
    public ScoreRequest parseRequest(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("score request is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("score request must be a JSON object");
        }
        List<Long> ads = new ArrayList<>();
        JsonNode adIds = node.get("ad_ids");
        if (adIds == null || !adIds.isArray()) {
            throw new IllegalArgumentException("score request needs an array 'ad_ids'");
        }
        for (JsonNode ad : adIds) {
            if (!ad.canConvertToLong()) {
                throw new IllegalArgumentException("ad_ids holds a non-integer: " + ad);
            }
            ads.add(ad.asLong());
        }
        return ScoreRequest.newBuilder()
                .setDisplayId(requiredLong(node, "display_id"))
                .setUuid(node.hasNonNull("uuid") ? node.get("uuid").asText() : "")
                .setDocumentId(node.hasNonNull("document_id") ? requiredLong(node, "document_id") : -1L)
                .setTimestamp(requiredLong(node, "timestamp"))
                .setPlatform(platform(node.get("platform")))
                .setGeoLocation(node.hasNonNull("geo_location") ? node.get("geo_location").asText() : null)
                .setAdIds(ads)
                .build();
    }

    /** The JSON answer for a score. */
    public String answer(Score score) {
        ObjectNode root = json.createObjectNode();
        root.put("display_id", score.getDisplayId());
        root.put("model_version", score.getModelVersion());
        ArrayNode ads = root.putArray("ads");
        for (AdScore ad : score.getAds()) {
            ads.addObject().put("ad_id", ad.getAdId()).put("probability", ad.getProbability());
        }
        return root.toString();
    }

    private static long requiredLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("score request misses '" + field + "'");
        }
        if (v.canConvertToLong() && (v.isIntegralNumber() || v.isTextual())) {
            if (v.isTextual()) {
                try {
                    return Long.parseLong(v.asText());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + field + "' is not an integer: " + v);
                }
            }
            return v.asLong();
        }
        throw new IllegalArgumentException("'" + field + "' is not an integer: " + v);
    }

    private static Integer platform(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        String text = v.asText();
        if (text.isEmpty() || text.equals("\\N")) {
            return null;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'platform' must be 1, 2, 3 or \\N, got " + v);
        }
    }
}
