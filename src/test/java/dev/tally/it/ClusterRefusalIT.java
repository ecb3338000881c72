package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The packaged JAR refuses --cluster on the embedded H2 store, or without a secrets key, and says why. */
class ClusterRefusalIT {
  @Test
  void clusterModeNeedsTheMySqlStore() throws Exception {
    Process p = new ProcessBuilder("java", "-jar", new File("target/tally.jar").getAbsolutePath(), "--cluster", "--http.port=0")
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits at once");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("store.kind=mysql"), out);
  }

  @Test
  void clusterModeNeedsASecretsKey() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", new File("target/tally.jar").getAbsolutePath(), "--cluster",
        "--http.port=0", "--store.kind=mysql").redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("TALLY_"));
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits at once");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), out);
    assertTrue(out.contains("TALLY_SECRETS_KEY") && out.contains("secrets.keyFile"), out);
  }
}
