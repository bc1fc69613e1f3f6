package io.zts;

/**
 * A zts call returned a status other than OK. {@link #getStatus()} is the number (compare it with the
 * {@link Status} constants), {@link #getStatusName()} its name ("ZTS_NOT_FOUND") and
 * {@link #getMessage()} what zts said was wrong, exactly as zts wrote it. zts never puts a secret in it.
 */
public final class ZtsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String statusName;

    ZtsException(int status, String statusName, String message) {
        super(message);
        this.status = status;
        this.statusName = statusName;
    }

    static ZtsException of(int status, String message) {
        return new ZtsException(status, Status.name(status), message == null ? "" : message);
    }

    public int getStatus() {
        return status;
    }

    public String getStatusName() {
        return statusName;
    }

    /** "io.zts.ZtsException: ZTS_NOT_FOUND: no token has id "7"". */
    @Override
    public String toString() {
        return getClass().getName() + ": " + statusName + ": " + getMessage();
    }
}
