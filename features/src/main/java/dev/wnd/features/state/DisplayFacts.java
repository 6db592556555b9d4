package dev.wnd.features.state;

/**
 * What the CTR state needs to know about a display when its labels arrive (a Label carries neither): the page the
 * ads were shown on, for the (page, ad document) CTR, and the country, for the per-country CTRs.
 *
 * @param pageDocumentId the display's document
 * @param country the display's country, null when unknown
 */
public record DisplayFacts(long pageDocumentId, String country) {
}
