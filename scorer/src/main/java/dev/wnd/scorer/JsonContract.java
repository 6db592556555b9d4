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
 *
 * <p><b>Bounds.</b> A request, on either face, carries at most {@value #MAX_ADS} ads, and a JSON request is at
 * most {@value #MAX_REQUEST_BYTES} bytes. A request beyond either bound is refused with an
 * {@link IllegalArgumentException} naming the bound, which the scorer's processing exception handler turns into a
 * dead letter; the requests behind it are answered as usual. So no request can make an answer that Kafka refuses
 * to carry.
 */
public final class JsonContract {

    /**
     * The most candidate ads one request may carry, on either face. Outbrain shows at most 12 ads per display;
     * 1,000 leaves room for any real client while bounding an answer to about 60 kB of JSON (about 18 kB of
     * Avro), far below Kafka's default 1 MB record limit. 25,000 ads made an answer of 1.2 MB that could not be
     * sent.
     */
    public static final int MAX_ADS = 1_000;

    /**
     * The largest JSON request accepted, in UTF-8 bytes: 64 KiB, three times a request of {@value #MAX_ADS}
     * 19-digit ad ids. A larger one is refused before it is parsed.
     */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final ObjectMapper json = new ObjectMapper();

    /**
     * Parses one request.
     *
     * @throws IllegalArgumentException naming the field when the text is not a valid request
     */
    public ScoreRequest parseRequest(String text) {
        checkSize(text);
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
        checkAdCount(adIds.size());
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

    /**
     * Checks the bounds a request of either face must keep: at most {@value #MAX_ADS} ads.
     *
     * @throws IllegalArgumentException naming the bound when the request exceeds it
     */
    public static void checkBounds(ScoreRequest request) {
        checkAdCount(request.getAdIds().size());
    }

    private static void checkAdCount(int ads) {
        if (ads > MAX_ADS) {
            throw new IllegalArgumentException("score request has " + ads + " ads; the contract allows at most "
                    + MAX_ADS + " per request (JsonContract.MAX_ADS)");
        }
    }

    private static void checkSize(String text) {
        // UTF-8 takes at least a byte per char: only a text of at most MAX_REQUEST_BYTES chars needs counting.
        if (text.length() > MAX_REQUEST_BYTES) {
            throw tooLarge("at least " + text.length());
        }
        long bytes = utf8Length(text);
        if (bytes > MAX_REQUEST_BYTES) {
            throw tooLarge(Long.toString(bytes));
        }
    }

    private static IllegalArgumentException tooLarge(String bytes) {
        return new IllegalArgumentException("score request is " + bytes + " bytes of JSON; the contract allows at "
                + "most " + MAX_REQUEST_BYTES + " (JsonContract.MAX_REQUEST_BYTES)");
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
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
