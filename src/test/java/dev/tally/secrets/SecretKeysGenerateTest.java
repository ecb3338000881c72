package dev.tally.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SecretKeysGenerateTest {
  @Test
  void aSingleNodeWithoutAKeyGeneratesOneNextToTheStoreOnceAndLogsItOnce(@TempDir Path dir) throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger logger = (Logger) LoggerFactory.getLogger(SecretKeys.class);
    logger.addAppender(logs);
    try {
      Path store = dir.resolve("data");
      SecretBox first = SecretKeys.load("", store, Map.of(), false);
      Path file = store.resolve(SecretKeys.DEFAULT_FILE);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      String sealed = first.seal("p@ss");
      SecretBox second = SecretKeys.load("", store, Map.of(), false);
      assertEquals(first.currentKeyId(), second.currentKeyId());
      assertEquals("p@ss", second.open(sealed));
      List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertEquals(1, lines.size(), lines.toString());
      assertTrue(lines.get(0).contains(file.toString()) && lines.get(0).contains(first.currentKeyId()), lines.get(0));
      String key = Files.readAllLines(file).get(1);
      assertFalse(lines.get(0).contains(key), "never the key");
    } finally {
      logger.detachAppender(logs);
    }
  }
}
