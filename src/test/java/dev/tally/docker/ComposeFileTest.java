package dev.tally.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.api.FirstOwner;
import dev.tally.config.ConfigKey;
import dev.tally.config.ConfigSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker/compose.yaml: valid for docker-compose v1.29 ({@code config -q} exits 0, and a broken copy makes it exit
 * non-zero), and the topology it describes, read from the normalized {@code docker-compose config} output.
 *
 * <p>Needs the {@code docker-compose} command (Debian package docker-compose, v1.29); no Docker engine: {@code config}
 * only reads files. Without the command every test here fails, naming the package.
 */
class ComposeFileTest {
  static final String COMPOSE = "docker-compose";
  static final String INSTALL_HINT = "docker-compose is not installed: the compose file tests need it "
      + "(apt-get install -y --no-install-recommends docker-compose)";
  static final Path ROOT = projectRoot();
  static final Path COMPOSE_FILE = ROOT.resolve("docker/compose.yaml");
  static final List<String> TALLY_NODES = List.of("tally1", "tally2", "tally3");
  static final List<String> SERVICES = List.of("mysql", "redis", "kafka", "rocketmq-namesrv", "rocketmq-broker",
      "rocketmq-proxy", "opensearch", "tally1", "tally2", "tally3");

  static final String OWNER_PASSWORD = "compose-test-owner-password";

  private static Map<String, Object> normalized;

  // ------------------------------------------------------------------------------------------------
  // validity

  @Test
  void configQuietExitsZero() {
    Run run = compose(ROOT, "-f", COMPOSE_FILE.toString(), "config", "-q");
    assertEquals(0, run.exit(), () -> "docker-compose config -q rejected docker/compose.yaml:\n" + run.output());
  }

  static Stream<Arguments> brokenCopies() {
    return Stream.of(
        Arguments.of("an unknown service key", "\n  tally1:\n", "\n  tally1:\n    bogus_option: true\n", "bogus_option"),
        Arguments.of("depends_on.required (newer than v1.29)",
            "\n    depends_on:\n      mysql:\n        condition: service_healthy\n",
            "\n    depends_on:\n      mysql:\n        condition: service_healthy\n        required: true\n", "required"),
        Arguments.of("a top-level include (newer than v1.29)", "\nservices:\n", "\ninclude:\n  - other.yaml\nservices:\n",
            "include"));
  }

  /** The check can fail: the same file, copied with one defect, is refused, and the copy without it is not. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenCopies")
  void brokenCopyIsRejected(String what, String find, String replace, String named, @TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("docker");
    Files.createDirectories(dir.resolve("rocketmq"));
    String original = Files.readString(COMPOSE_FILE);
    try (Stream<Path> files = Files.list(ROOT.resolve("docker/rocketmq"))) {
      for (Path f : files.toList()) Files.copy(f, dir.resolve("rocketmq").resolve(f.getFileName()));
    }
    Path intact = dir.resolve("compose.yaml");
    Files.writeString(intact, original);
    Run control = compose(tmp, "-f", intact.toString(), "config", "-q");
    assertEquals(0, control.exit(), () -> "the unmodified copy should validate:\n" + control.output());

    assertTrue(original.contains(find), "compose.yaml no longer contains the text this test edits: " + find.strip());
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, original.replaceFirst(java.util.regex.Pattern.quote(find),
        java.util.regex.Matcher.quoteReplacement(replace)));
    Run run = compose(tmp, "-f", broken.toString(), "config", "-q");
    assertNotEquals(0, run.exit(), () -> "docker-compose config -q accepted a copy with " + what + ":\n" + run.output());
    assertTrue(run.output().contains(named), () -> "the error should name '" + named + "':\n" + run.output());
  }

  // ------------------------------------------------------------------------------------------------
  // topology

  @Test
  void everyServiceIsThere() {
    Map<String, Object> services = services();
    for (String s : SERVICES) assertTrue(services.containsKey(s), "missing service " + s + "; have " + services.keySet());
  }

  @Test
  void tallyNodesUseMySqlAndKafka() {
    Set<String> known = ConfigSpec.KEYS.stream().map(ConfigKey::envName).collect(Collectors.toSet());
    known.addAll(List.of(FirstOwner.ENV_USERNAME, FirstOwner.ENV_PASSWORD, FirstOwner.ENV_PASSWORD_FILE));
    for (String node : TALLY_NODES) {
      Map<String, String> env = environment(node);
      assertEquals("mysql", env.get("TALLY_STORE_KIND"), node + ": TALLY_STORE_KIND");
      assertEquals("mysql", env.get("TALLY_STORE_MYSQL_HOST"), node + ": the store is the mysql service");
      assertEquals("tally", env.get("TALLY_STORE_MYSQL_DATABASE"), node + ": database");
      assertEquals(environment("mysql").get("MYSQL_USER"), env.get("TALLY_STORE_MYSQL_USER"), node + ": the user MySQL creates");
      assertEquals(environment("mysql").get("MYSQL_PASSWORD"), env.get("TALLY_STORE_MYSQL_PASSWORD"), node + ": its password");
      String bootstrap = env.get("TALLY_KAFKA_BOOTSTRAP_SERVERS");
      assertNotNull(bootstrap, node + ": TALLY_KAFKA_BOOTSTRAP_SERVERS");
      for (String server : bootstrap.split(",")) {
        assertEquals("kafka", server.strip().split(":")[0], node + ": Kafka bootstrap server " + server);
      }
      // a misspelt variable would be ignored silently by Tally: every TALLY_* set here must be a real setting
      for (String name : env.keySet()) {
        if (name.startsWith("TALLY_")) assertTrue(known.contains(name), node + ": " + name + " is not a setting in ConfigSpec");
      }
    }
  }

  @Test
  void theFirstOwnerHasNoDefaultPassword() {
    for (String node : TALLY_NODES) {
      assertEquals(OWNER_PASSWORD, environment(node).get("TALLY_OWNER_PASSWORD"), node + ": from the caller's environment");
      assertEquals("admin", environment(node).get("TALLY_OWNER_USERNAME"), node);
    }
    ProcessBuilder pb = new ProcessBuilder(COMPOSE, "-f", COMPOSE_FILE.toString(), "config", "-q").directory(ROOT.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("COMPOSE_") || k.equals("TALLY_OWNER_PASSWORD"));
    try {
      Process p = pb.redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "docker-compose config finished");
      assertNotEquals(0, p.exitValue(), "without TALLY_OWNER_PASSWORD the file is refused: " + out);
      assertTrue(out.contains("TALLY_OWNER_PASSWORD"), out);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(INSTALL_HINT + " [" + e.getMessage() + "]", e);
    }
  }

  @Test
  void onlyTallyNodesPublishAndOnlyOnLoopback() {
    Set<String> hostPorts = new HashSet<>();
    services().forEach((name, value) -> {
      List<PortBinding> ports = ports(name);
      if (!TALLY_NODES.contains(name)) {
        assertTrue(ports.isEmpty(), name + " publishes " + ports + "; only the Tally nodes may");
        return;
      }
      assertFalse(ports.isEmpty(), name + " publishes nothing");
      for (PortBinding p : ports) {
        assertEquals("127.0.0.1", p.hostIp(), name + ": " + p + " must be bound to 127.0.0.1");
        assertEquals("8080", p.target(), name + ": " + p + " must publish Tally's port 8080");
        assertTrue(hostPorts.add(p.published()), name + ": host port " + p.published() + " used twice");
      }
    });
    assertEquals(Set.of("8081", "8082", "8083"), hostPorts);
  }

  @Test
  void tallyNodesAreBuiltHereAndWaitForTheirServers() {
    for (String node : TALLY_NODES) {
      Map<String, Object> svc = service(node);
      Map<String, Object> build = map(svc.get("build"), node + ".build");
      assertEquals("docker/Dockerfile", String.valueOf(build.get("dockerfile")).replace('\\', '/'), node + ": dockerfile");
      assertEquals(realPath(ROOT), realPath(Path.of(String.valueOf(build.get("context")))), node + ": build context is the repository");
      Map<String, String> deps = dependsOn(node);
      assertEquals("service_healthy", deps.get("mysql"), node + " must wait for a healthy mysql; depends_on " + deps);
      assertEquals("service_healthy", deps.get("kafka"), node + " must wait for a healthy kafka; depends_on " + deps);
      Object test = map(svc.get("healthcheck"), node + ".healthcheck").get("test");
      assertTrue(String.valueOf(test).contains("/health"), node + ": healthcheck on /health, got " + test);
    }
    // one node migrates an empty store; the others start once it is healthy
    assertEquals("service_healthy", dependsOn("tally2").get("tally1"));
    assertEquals("service_healthy", dependsOn("tally3").get("tally1"));
  }

  /** docker-compose up stops with an error when a service waits for a health state its dependency never has. */
  @Test
  void everyConditionCanBeMet() {
    services().forEach((name, value) -> dependsOn(name).forEach((dep, condition) -> {
      assertTrue(services().containsKey(dep), name + " depends on unknown service " + dep);
      Map<String, Object> target = service(dep);
      switch (condition) {
        case "service_healthy" -> assertTrue(target.get("healthcheck") instanceof Map<?, ?> hc && hc.get("test") != null
            && !Boolean.TRUE.equals(hc.get("disable")), name + " waits for " + dep + " to be healthy, but it has no healthcheck");
        case "service_completed_successfully" -> assertEquals("no", String.valueOf(target.get("restart")),
            name + " waits for one-shot " + dep + " to finish; it must not restart");
        case "service_started" -> { }
        default -> fail(name + ": unknown condition " + condition);
      }
    }));
    for (String s : SERVICES) {
      assertInstanceOf(Map.class, service(s).get("healthcheck"), s + " has no healthcheck");
    }
  }

  @Test
  void kafkaIsOneKraftNodeInsideTheNetwork() {
    Map<String, String> env = environment("kafka");
    assertEquals(Set.of("broker", "controller"), Set.of(env.get("KAFKA_PROCESS_ROLES").split(",")));
    assertNotNull(env.get("CLUSTER_ID"), "the apache/kafka image refuses KRaft without CLUSTER_ID");
    assertEquals("1@kafka:9093", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
    assertEquals("PLAINTEXT://kafka:9092", env.get("KAFKA_ADVERTISED_LISTENERS"), "advertise the service name the nodes use");
  }

  @Test
  void rocketMqProxyRunsInClusterModeOffTallysPort() throws IOException {
    Map<String, Object> proxy = service("rocketmq-proxy");
    String command = list(proxy.get("command"), "rocketmq-proxy.command").stream().map(String::valueOf)
        .collect(Collectors.joining(" "));
    String mounted = null;
    for (Object v : list(proxy.get("volumes"), "rocketmq-proxy.volumes")) {
      String[] parts = volumeParts(v);
      if (parts[0].replace('\\', '/').endsWith("docker/rocketmq/rmq-proxy.json")) mounted = parts[1];
    }
    assertNotNull(mounted, "docker/rocketmq/rmq-proxy.json is not mounted into rocketmq-proxy");
    assertTrue(command.contains("mqproxy") && command.contains("-pc " + mounted), "mqproxy must read " + mounted + ": " + command);

    JsonNode cfg = new ObjectMapper().readTree(ROOT.resolve("docker/rocketmq/rmq-proxy.json").toFile());
    assertEquals("CLUSTER", cfg.path("proxyMode").asText().toUpperCase(java.util.Locale.ROOT), "proxyMode");
    assertEquals("rocketmq-namesrv", cfg.path("namesrvAddr").asText().split(":")[0], "namesrvAddr names the name server service");
    assertTrue(cfg.has("remotingListenPort"), "set remotingListenPort: its default is 8080, Tally's port");
    assertNotEquals(8080, cfg.path("remotingListenPort").asInt(), "remotingListenPort must not be Tally's 8080");
    assertEquals("rocketmq-namesrv:9876", environment("rocketmq-broker").get("NAMESRV_ADDR"));
  }

  @Test
  void openSearchIsSingleNodeWithoutSecurity() {
    Map<String, String> env = environment("opensearch");
    assertEquals("single-node", env.get("discovery.type"));
    assertEquals("true", env.get("DISABLE_SECURITY_PLUGIN"));
  }

  @Test
  void statefulServicesKeepTheirDataInNamedVolumes() {
    Set<String> declared = map(normalized().getOrDefault("volumes", Map.of()), "volumes").keySet();
    for (String s : List.of("mysql", "redis", "kafka", "rocketmq-broker", "opensearch")) {
      List<String> named = new ArrayList<>();
      for (Object v : list(service(s).getOrDefault("volumes", List.of()), s + ".volumes")) {
        String source = volumeParts(v)[0];
        if (declared.contains(source)) named.add(source);
      }
      assertFalse(named.isEmpty(), s + " keeps no data in a named volume");
    }
  }

  // ------------------------------------------------------------------------------------------------
  // reading the normalized config

  static synchronized Map<String, Object> normalized() {
    if (normalized == null) {
      Run run = compose(ROOT, "-f", COMPOSE_FILE.toString(), "config");
      assertEquals(0, run.exit(), () -> "docker-compose config failed:\n" + run.output());
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(run.stdout());
      normalized = map(doc, "the output of docker-compose config");
    }
    return normalized;
  }

  static Map<String, Object> services() {
    return map(normalized().get("services"), "services");
  }

  static Map<String, Object> service(String name) {
    Object svc = services().get(name);
    assertNotNull(svc, "no service " + name);
    return map(svc, name);
  }

  /** environment as a map, whether written as a mapping or as a list of NAME=value. */
  static Map<String, String> environment(String name) {
    Object env = service(name).get("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
    } else if (env instanceof List<?> l) {
      for (Object e : l) {
        String s = String.valueOf(e);
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
      }
    }
    return out;
  }

  /** depends_on as service to condition, for the list and the long form. */
  static Map<String, String> dependsOn(String name) {
    Object deps = service(name).get("depends_on");
    Map<String, String> out = new LinkedHashMap<>();
    if (deps instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k),
          v instanceof Map<?, ?> c && c.get("condition") != null ? String.valueOf(c.get("condition")) : "service_started"));
    } else if (deps instanceof List<?> l) {
      l.forEach(d -> out.put(String.valueOf(d), "service_started"));
    }
    return out;
  }

  record PortBinding(String hostIp, String published, String target) {
  }

  /** ports in the short form ([ip:][published:]target[/proto]) or the long form (a mapping). */
  static List<PortBinding> ports(String name) {
    List<PortBinding> out = new ArrayList<>();
    for (Object p : list(service(name).getOrDefault("ports", List.of()), name + ".ports")) {
      if (p instanceof Map<?, ?> m) {
        out.add(new PortBinding(m.get("host_ip") == null ? "" : String.valueOf(m.get("host_ip")),
            m.get("published") == null ? "" : String.valueOf(m.get("published")), String.valueOf(m.get("target"))));
      } else {
        String s = String.valueOf(p).replaceFirst("/(tcp|udp|sctp)$", "");
        int last = s.lastIndexOf(':');
        String target = s.substring(last + 1);
        String rest = last < 0 ? "" : s.substring(0, last);
        int mid = rest.lastIndexOf(':');
        out.add(new PortBinding(mid < 0 ? "" : rest.substring(0, mid), mid < 0 ? rest : rest.substring(mid + 1), target));
      }
    }
    return out;
  }

  /** [source, target] of a volume entry, short (source:target[:mode]) or long form. */
  static String[] volumeParts(Object v) {
    if (v instanceof Map<?, ?> m) return new String[] {String.valueOf(m.get("source")), String.valueOf(m.get("target"))};
    String[] parts = String.valueOf(v).split(":");
    return parts.length == 1 ? new String[] {"", parts[0]} : new String[] {parts[0], parts[1]};
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    assertInstanceOf(Map.class, o, what + " should be a mapping");
    return (Map<String, Object>) o;
  }

  static List<Object> list(Object o, String what) {
    assertInstanceOf(List.class, o, what + " should be a list");
    return new ArrayList<>((List<?>) o);
  }

  static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      throw new AssertionError("no such directory " + p, e);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // running docker-compose

  record Run(int exit, String stdout, String stderr) {
    String output() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  static Run compose(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(COMPOSE);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    // settings from the caller's shell must not change which files are read
    pb.environment().keySet().removeIf(k -> k.startsWith("COMPOSE_"));
    // the first owner's password has no default: the file is only valid with one given
    pb.environment().put("TALLY_OWNER_PASSWORD", OWNER_PASSWORD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError(INSTALL_HINT + " [" + e.getMessage() + "]", e);
    }
    try {
      p.getOutputStream().close();
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(String.join(" ", cmd) + " did not finish within 120 s");
      }
      return new Run(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    });
  }

  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("docker/compose.yaml")) && Files.isRegularFile(d.resolve("pom.xml"))) return d;
    }
    throw new IllegalStateException("no docker/compose.yaml above " + dir);
  }
}
