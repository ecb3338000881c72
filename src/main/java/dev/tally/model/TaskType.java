package dev.tally.model;

public enum TaskType { CONFIG, API }
