package dev.tally.model;

public enum DataSourceKind { MYSQL, POSTGRES, REDIS, HTTP, ELASTICSEARCH }
