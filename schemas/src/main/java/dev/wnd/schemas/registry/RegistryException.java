package dev.wnd.schemas.registry;

/**
 * The registry answered with an error, or could not be reached. {@link #isTransient()} and
 * {@link #isSchemaNotFound()} tell an outage (wait and ask again) from an answer about the schema (the record that
 * names it is at fault); anything else (refused credentials, a refused schema, a wrong URL) is neither: a
 * configuration to fix.
 */
public final class RegistryException extends RuntimeException {

    /** Confluent's error code for "Schema not found" (with HTTP 404). */
    public static final int SCHEMA_NOT_FOUND = 40403;

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

    /**
     * Whether asking again later may succeed: no answer came (the registry is down or unreachable, the connection
     * was refused or reset, the request timed out), or it answered HTTP 5xx (it cannot serve now: e.g. its store is
     * unavailable), 408 (request timeout) or 429 (too many requests). An interrupted request is not transient: the
     * thread was asked to stop.
     */
    public boolean isTransient() {
        if (httpStatus == 0) {
            return !(getCause() instanceof InterruptedException);
        }
        return httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
    }

    /**
     * Whether the registry answered that the schema asked for does not exist (HTTP 404 with error code
     * {@value #SCHEMA_NOT_FOUND}): the registry is up and sure, so a record naming that id can never be read. A
     * 404 without that code (a wrong URL or path, another service) is not this.
     */
    public boolean isSchemaNotFound() {
        return httpStatus == 404 && errorCode == SCHEMA_NOT_FOUND;
    }
}
