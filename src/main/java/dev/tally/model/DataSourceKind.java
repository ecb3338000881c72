package dev.tally.model;

public enum DataSourceKind { MYSQL, REDIS, HTTP }
