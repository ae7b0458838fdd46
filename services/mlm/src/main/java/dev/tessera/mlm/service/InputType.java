package dev.tessera.mlm.service;

/** What a text is for; asymmetric models prepend a different prefix to each kind. */
public enum InputType {
    QUERY,
    PASSAGE,
    SYMMETRIC
}
