package dev.tally.model;

/** How a Redis value is read: a plain string (the whole value is field {@code $}), a JSON document, or a hash. */
public enum ValueType { STRING, JSON, HASH }
