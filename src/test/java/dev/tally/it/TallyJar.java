package dev.tally.it;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The packaged JAR as a user runs it: one node on 127.0.0.1, its output appended to tally.log in its data dir. */
final class TallyJar {
  private TallyJar() {
  }

  /**
   * Starts target/tally.jar with an H2 store in {@code dataDir}, in open mode (no sign-in) unless the settings
   * say otherwise, and waits until /health answers UP.
   */
  static Process start(Path dataDir, int port, String... settings) throws Exception {
    File jar = new File("target/tally.jar");
    if (!jar.exists()) throw new AssertionError("run after mvn package: " + jar + " is missing");
    List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", jar.getAbsolutePath(),
        "--http.host=127.0.0.1", "--http.port=" + port, "--store.h2.path=" + dataDir));
    if (List.of(settings).stream().noneMatch(s -> s.startsWith("--auth.mode="))) command.add("--auth.mode=open");
    command.addAll(List.of(settings));
    ProcessBuilder builder = new ProcessBuilder(command);
    // a first owner from the shell running the tests would change what a test sees
    builder.environment().keySet().removeIf(k -> k.startsWith("TALLY_OWNER_"));
    Process process = builder.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("tally.log").toFile())).start();
    new ApiClient(port).await("/health", b -> b != null && "UP".equals(b.path("status").asText()), Duration.ofSeconds(60));
    return process;
  }
}
