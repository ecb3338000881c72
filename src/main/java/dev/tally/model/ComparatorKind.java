package dev.tally.model;

public enum ComparatorKind { EXACT, NUMBER, DECIMAL, DATETIME, BOOLEAN, JSON, STRING }
