package dev.tally.model;

public enum EventSourceKind { API, BINLOG }
