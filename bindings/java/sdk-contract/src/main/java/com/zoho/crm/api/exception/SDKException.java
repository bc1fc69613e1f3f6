package com.zoho.crm.api.exception;

/**
 * Stand-in for the SDK's exception (docs/sdk-contract.md §1): a code such as "TOKEN_STORE", a message and a cause.
 * As in the SDK, getMessage() is the message alone, without the cause's.
 */
public class SDKException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String message;

    public SDKException(String code, String message, Exception cause) {
        super(message, cause);
        this.code = code;
        this.message = message;
    }

    public SDKException(String code, String message) {
        this(code, message, null);
    }

    public SDKException(String message, Exception cause) {
        this(null, message, cause);
    }

    public SDKException(Exception cause) {
        this(null, cause.getMessage(), cause);
    }

    public String getCode() {
        return code;
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public String toString() {
        return SDKException.class.getName() + ". Caused by : " + (code != null ? code + " - " : "") + message;
    }
}
