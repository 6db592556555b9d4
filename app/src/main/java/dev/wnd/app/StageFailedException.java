package dev.wnd.app;

/**
 * A stage that a command depends on has died. The command stops with a non-zero exit status and this message, one
 * line naming the stage and the cause ("the features stage died: OffsetOutOfRangeException: ...").
 */
public final class StageFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String stage;

    public StageFailedException(String stage, String reason, Throwable cause) {
        super("the " + stage + " stage died: " + reason, cause);
        this.stage = stage;
    }

    /** The stage that died. */
    public String stage() {
        return stage;
    }

    /**
     * The innermost cause's class and message, on one line: Streams wraps the exception that killed a thread in
     * several layers of its own.
     */
    public static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
        String outer = root == t || t.getMessage() == null ? "" : " (" + t.getMessage().lines().findFirst().orElse("")
                + ")";
        return root.getClass().getSimpleName() + message + outer;
    }
}
