package dev.tally.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Resolves settings from, lowest first: defaults, the YAML file ({@code conf/tally.yaml}, or
 * {@code --config=PATH} / {@code TALLY_CONFIG}), environment variables, command-line flags.
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "conf/tally.yaml";

  private ConfigLoader() {
  }

  /** Parsed command line: {@code --name=value} or {@code --name value} flags, and bare switches. */
  public record CommandLine(Map<String, String> flags, List<String> switches) {
    public static CommandLine parse(String[] args) {
      Map<String, String> flags = new LinkedHashMap<>();
      List<String> switches = new java.util.ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (!a.startsWith("--")) throw new ConfigException("unexpected argument '" + a + "' (flags look like --http.port=8080)");
        String body = a.substring(2);
        int eq = body.indexOf('=');
        if (eq > 0) flags.put(body.substring(0, eq), body.substring(eq + 1));
        else if (i + 1 < args.length && !args[i + 1].startsWith("--")) flags.put(body, args[++i]);
        else switches.add(body);
      }
      return new CommandLine(flags, switches);
    }
  }

  public static TallyConfig load(CommandLine cli, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    ConfigSpec.KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));

    String explicitFile = cli.flags().getOrDefault("config", env.get("TALLY_CONFIG"));
    Path file = Path.of(explicitFile != null ? explicitFile : DEFAULT_FILE);
    if (Files.exists(file)) {
      flatten("", readYaml(file), values);
    } else if (explicitFile != null) {
      throw new ConfigException("config file " + file + " does not exist");
    }
    for (ConfigKey k : ConfigSpec.KEYS) {
      String fromEnv = env.get(k.envName());
      if (fromEnv != null) values.put(k.name(), fromEnv);
    }
    cli.flags().forEach((name, value) -> {
      if (name.equals("config")) return;
      if (!values.containsKey(name)) throw new ConfigException("unknown setting --" + name);
      values.put(name, value);
    });
    return TallyConfig.from(new Settings(values));
  }

  private static Map<String, Object> readYaml(Path file) {
    try (Reader r = Files.newBufferedReader(file)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (doc == null) return Map.of();
      if (!(doc instanceof Map<?, ?> map)) throw new ConfigException(file + ": expected a mapping at the top level");
      @SuppressWarnings("unchecked") Map<String, Object> typed = (Map<String, Object>) map;
      return typed;
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void flatten(String prefix, Map<String, Object> node, Map<String, String> into) {
    node.forEach((k, v) -> {
      String name = prefix.isEmpty() ? k : prefix + "." + k;
      if (v instanceof Map<?, ?> child) {
        @SuppressWarnings("unchecked") Map<String, Object> typed = (Map<String, Object>) child;
        flatten(name, typed, into);
      } else {
        if (!into.containsKey(name)) throw new ConfigException("unknown setting '" + name + "' in config file");
        into.put(name, v == null ? "" : String.valueOf(v));
      }
    });
  }
}
