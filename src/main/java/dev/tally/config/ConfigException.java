package dev.tally.config;

public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
