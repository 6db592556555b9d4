package dev.wnd.features.spec;

/** Whether a feature describes the request (user, page, context) or the item (the ad). */
public enum FeatureGroup {
    REQUEST,
    ITEM
}
