package dev.tally.ops.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.AlertChannel;
import dev.tally.model.AlertChannelKind;
import dev.tally.model.AlertPolicy;
import dev.tally.model.Status;
import dev.tally.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRulesTest {
  private static ValidationException refused(AlertChannel c) {
    return assertThrows(ValidationException.class, () -> AlertRules.validate(c));
  }

  private static ValidationException refused(AlertPolicy p) {
    return assertThrows(ValidationException.class, () -> AlertRules.validate(p));
  }

  @Test
  void aChannelNeedsANameAKindAndAnHttpUrlThatIsNeverEchoed() {
    AlertRules.validate(new AlertChannel("c", "ops", AlertChannelKind.SLACK, "https://hooks.slack.test/services/T/B/x", 0, 0));
    assertEquals("name", refused(new AlertChannel("c", " ", AlertChannelKind.SLACK, "http://h/x", 0, 0)).field());
    assertEquals("kind", refused(new AlertChannel("c", "ops", null, "http://h/x", 0, 0)).field());
    assertEquals("url", refused(new AlertChannel("c", "ops", AlertChannelKind.WECOM, null, 0, 0)).field());
    ValidationException ftp = refused(new AlertChannel("c", "ops", AlertChannelKind.WEBHOOK, "ftp://h/secret-token", 0, 0));
    assertEquals("url", ftp.field());
    assertNull(ftp.detail());
    assertFalse(ftp.getMessage().contains("secret-token"));
    assertEquals("url", refused(new AlertChannel("c", "ops", AlertChannelKind.WEBHOOK, "/relative", 0, 0)).field());
  }

  @Test
  void aPolicyNeedsChannelsAWindowOfTenSecondsToADayAndOnlyFailOrError() {
    AlertRules.validate(new AlertPolicy(List.of("a", "b"), 10, List.of(Status.FAIL, Status.ERROR)));
    AlertRules.validate(new AlertPolicy(List.of("a"), null, null));
    AlertRules.validate(new AlertPolicy(List.of("a"), 86_400, List.of(Status.ERROR)));
    assertEquals("alert.channelIds", refused(new AlertPolicy(List.of(), 60, null)).field());
    assertEquals("alert.channelIds[1]", refused(new AlertPolicy(List.of("a", " "), 60, null)).field());
    assertEquals("alert.channelIds[1]", refused(new AlertPolicy(List.of("a", "a"), 60, null)).field());
    assertEquals("alert.windowSeconds", refused(new AlertPolicy(List.of("a"), 9, null)).field());
    assertEquals("alert.windowSeconds", refused(new AlertPolicy(List.of("a"), 86_401, null)).field());
    assertEquals("alert.on[1]", refused(new AlertPolicy(List.of("a"), 60, List.of(Status.FAIL, Status.PASS))).field());
  }
}
