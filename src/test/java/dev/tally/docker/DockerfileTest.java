package dev.tally.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.config.ConfigKey;
import dev.tally.config.ConfigSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docker/Dockerfile, read as text (no Docker engine here to build it): the instructions the image depends on.
 * Continuation lines are joined first, so each instruction is one line.
 */
class DockerfileTest {
  static final Path DOCKERFILE = ComposeFileTest.ROOT.resolve("docker/Dockerfile");

  static List<String> instructions() throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(DOCKERFILE)) {
      String line = raw.strip();
      if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) continue;
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      out.add(current.toString().strip());
      current.setLength(0);
    }
    return out;
  }

  static List<String> named(String keyword) throws IOException {
    return instructions().stream().filter(i -> i.toUpperCase(java.util.Locale.ROOT).startsWith(keyword + " "))
        .map(i -> i.substring(keyword.length() + 1).strip()).collect(Collectors.toList());
  }

  @Test
  void runsTheFatJarOnJava17() throws IOException {
    assertEquals(List.of("eclipse-temurin:17-jre"), named("FROM"));
    assertTrue(named("COPY").stream().anyMatch(c -> c.matches("(--chown=\\S+ )?target/tally\\.jar /app/tally\\.jar")),
        "COPY target/tally.jar /app/tally.jar: " + named("COPY"));
    assertEquals(List.of("[\"java\", \"-XX:MaxRAMPercentage=75\", \"-XX:+UseParallelGC\", \"-jar\", \"/app/tally.jar\"]"),
        named("ENTRYPOINT"));
    assertEquals(List.of("8080"), named("EXPOSE"));
  }

  @Test
  void runsAsANonRootUser() throws IOException {
    List<String> users = named("USER");
    assertFalse(users.isEmpty(), "no USER: the JAR would run as root");
    String last = users.get(users.size() - 1);
    assertFalse(Set.of("root", "0", "0:0").contains(last), "the last USER is " + last);
  }

  @Test
  void keepsTheEmbeddedStoreInTheDataVolume() throws IOException {
    assertTrue(named("ENV").contains("TALLY_STORE_H2_PATH=/data"), "ENV TALLY_STORE_H2_PATH=/data: " + named("ENV"));
    assertTrue(named("VOLUME").stream().anyMatch(v -> v.contains("/data")), "VOLUME /data: " + named("VOLUME"));
  }

  @Test
  void checksHealthOnTheHealthEndpoint() throws IOException {
    List<String> checks = named("HEALTHCHECK");
    assertEquals(1, checks.size(), "one HEALTHCHECK: " + checks);
    assertTrue(checks.get(0).contains("/health") && checks.get(0).contains(" CMD "), checks.get(0));
  }

  /** Tally ignores an unknown TALLY_* variable, so a misspelt one would go unnoticed. */
  @Test
  void everyTallyVariableIsASetting() throws IOException {
    Set<String> known = ConfigSpec.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet());
    Matcher m = Pattern.compile("\\bTALLY_[A-Z0-9_]+").matcher(String.join("\n", instructions()));
    while (m.find()) assertTrue(known.contains(m.group()), m.group() + " is not a setting in ConfigSpec");
  }
}
