package dev.wnd.features.fn;

import dev.wnd.features.spec.EventTime;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.ScoreRequest;
import java.util.List;

/**
 * The request side of a display, whether it comes from the training stream or from a score request.
 *
 * @param timestamp ms after {@link FeatureFunctions#EventTime.EPOCH_BASE_MS}
 */
public record DisplayContext(long displayId, String uuid, long documentId, long timestamp, Integer platform,
        String geoLocation, List<Long> adIds) {

    public static DisplayContext of(Display d) {
        return new DisplayContext(d.getDisplayId(), d.getUuid(), d.getDocumentId(), d.getTimestamp(),
                d.getPlatform(), d.getGeoLocation(), d.getAdIds());
    }

    public static DisplayContext of(ScoreRequest r) {
        return new DisplayContext(r.getDisplayId(), r.getUuid(), r.getDocumentId(), r.getTimestamp(),
                r.getPlatform(), r.getGeoLocation(), r.getAdIds());
    }
}
