package io.tiergate.admin;

import org.springframework.http.HttpStatus;

/** An admin request that cannot be done, with the HTTP status and the JSON error it maps to. */
public class AdminException extends RuntimeException {

    private final HttpStatus status;
    private final transient Object detail;

    public AdminException(HttpStatus status, String error, Object detail) {
        super(error, null, false, false);
        this.status = status;
        this.detail = detail;
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return getMessage();
    }

    public Object detail() {
        return detail;
    }

    static AdminException notFound(String what) {
        return new AdminException(HttpStatus.NOT_FOUND, what, null);
    }

    static AdminException badValue(String error, Object detail) {
        return new AdminException(HttpStatus.BAD_REQUEST, error, detail);
    }

    static AdminException conflict(String error, Object detail) {
        return new AdminException(HttpStatus.CONFLICT, error, detail);
    }
}
