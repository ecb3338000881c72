package dev.tally.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Topics of a test run's own on the test script's RocketMQ, made with {@code scripts/infra/rocketmq.sh topics}. */
public final class RocketMqTopics {
  private static final File SCRIPT = new File("scripts/infra/rocketmq.sh").getAbsoluteFile();

  private RocketMqTopics() {
  }

  /** Creates each {@code NAME:TYPE} (NORMAL, DELAY, ...); fails the test when the script does. */
  public static void create(String... topics) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.getPath(), "topics"));
    command.addAll(List.of(topics));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "rocketmq.sh topics failed:\n" + out);
  }
}
