package dev.tessera.runtime.model;

/**
 * A model could not be found, verified or loaded. It stops the service from becoming ready, because serving with a
 * missing or tampered model would be worse than not serving.
 */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
