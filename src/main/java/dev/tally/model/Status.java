package dev.tally.model;

public enum Status { PASS, FAIL, ERROR }
