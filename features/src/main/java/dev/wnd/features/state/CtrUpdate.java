package dev.wnd.features.state;

import java.util.List;
import java.util.Objects;

/**
 * What one released label adds to the CTR counts: the display's ads, the clicked ones, and the display's facts
 * (remembered from the displays topic, since a label carries neither page nor country). The CTR processor turns it
 * into count updates of every key of every ad; with several partitions it travels to every task
 * ({@link CtrBroadcast}).
 *
 * @param displayId the labelled display
 * @param adIds every ad of the display, clicked or not
 * @param clickedAdIds the clicked ads
 * @param facts the display's page and country, null when its display was never seen
 */
public record CtrUpdate(long displayId, List<Long> adIds, List<Long> clickedAdIds, DisplayFacts facts) {

    public CtrUpdate {
        adIds = List.copyOf(Objects.requireNonNull(adIds, "adIds"));
        clickedAdIds = List.copyOf(Objects.requireNonNull(clickedAdIds, "clickedAdIds"));
    }
}
