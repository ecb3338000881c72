package dev.tally.model;

/** How a REDIS data source is reached: one server, a Redis Cluster, or a master found through Sentinels. */
public enum RedisMode { STANDALONE, CLUSTER, SENTINEL }
