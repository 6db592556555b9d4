package dev.wnd.schemas.registry;

/** The registry answered with an error, or could not be reached. */
public final class RegistryException extends RuntimeException {

    private final int httpStatus;
    private final int errorCode;

    public RegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** HTTP status of the answer, or 0 when no answer came. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent error code (e.g. 40403 schema not found, 409 incompatible), or 0 when none was given. */
    public int errorCode() {
        return errorCode;
    }
}
