package dev.tally.config;

import java.util.Map;

/** Flat resolved settings, by dotted name; typed getters fail with the setting's name. */
record Settings(Map<String, String> values) {
  String get(String name) {
    return values.get(name);
  }

  int getInt(String name) {
    String v = values.get(name);
    try {
      return Integer.parseInt(v.trim());
    } catch (RuntimeException e) {
      throw new ConfigException(name + " must be an integer, got '" + v + "'");
    }
  }

  /** An integer of at least 0; {@code meaning} says what 0 and the others stand for, in the error. */
  int getZeroOrMore(String name, String meaning) {
    int n = getInt(name);
    if (n < 0) throw new ConfigException(name + " must be " + meaning + ", not " + n);
    return n;
  }

  String oneOf(String name, String... allowed) {
    String v = values.get(name);
    for (String a : allowed) if (a.equalsIgnoreCase(v)) return a;
    throw new ConfigException(name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
  }
}
