package dev.wnd.ingest.csv;

import java.io.IOException;

/** A file that does not start with the header its name promises (or is not a readable Outbrain CSV at all). */
public final class NotAnOutbrainFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** @param message names the file, the header found and the header expected */
    public NotAnOutbrainFileException(String message) {
        super(message);
    }
}
