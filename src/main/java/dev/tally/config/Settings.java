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

  String oneOf(String name, String... allowed) {
    String v = values.get(name);
    for (String a : allowed) if (a.equalsIgnoreCase(v)) return a;
    throw new ConfigException(name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
  }
}
