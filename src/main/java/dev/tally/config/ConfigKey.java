package dev.tally.config;

import java.util.Locale;

/**
 * One setting: its dotted name (as in conf/tally.yaml), its default and what it does. The environment
 * variable is derived from the name: {@code store.mysql.poolSize} is {@code TALLY_STORE_MYSQL_POOL_SIZE};
 * the command-line flag is {@code --store.mysql.poolSize=8}.
 */
public record ConfigKey(String name, String defaultValue, String doc, boolean secret) {
  public String envName() {
    return "TALLY_" + name.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }
}
