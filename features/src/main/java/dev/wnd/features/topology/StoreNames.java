package dev.wnd.features.topology;

/** Names of the feature state stores, shared by the features topology and the scorer. */
public final class StoreNames {

    /** Global: promoted content by ad id. */
    public static final String ADS = "ads";
    /** Global: document metadata by document id. */
    public static final String DOCUMENTS = "documents";
    /** Per partition: user state by uuid. */
    public static final String USERS = "users";
    /** Per partition: CTR counts by key. */
    public static final String CTR = "ctr";
    /** Features only: displays waiting for their labels, by display id. */
    public static final String PENDING = "pending";

    private StoreNames() {
    }
}
