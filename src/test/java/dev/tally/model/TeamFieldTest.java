package dev.tally.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Configuration stored before teams existed has no team: it reads as the default team, and keeps a team it has. */
class TeamFieldTest {
  static <T> T read(String json, Class<T> type) {
    return Json.read(json, type);
  }

  @Test
  void objectsWithoutATeamBelongToTheDefaultTeam() {
    assertEquals("default", read("{\"id\":\"e\",\"name\":\"n\",\"kind\":\"API\",\"createdAt\":1,\"updatedAt\":1}", EventSource.class).team());
    assertEquals("default", read("{\"id\":\"d\",\"name\":\"n\",\"kind\":\"REDIS\",\"createdAt\":1,\"updatedAt\":1}", DataSource.class).team());
    assertEquals("default", read("{\"id\":\"t\",\"name\":\"n\",\"eventSourceId\":\"e\",\"createdAt\":1,\"updatedAt\":1}", Task.class).team());
    assertEquals("default", read("{\"id\":\"c\",\"name\":\"n\",\"kind\":\"SLACK\",\"createdAt\":1,\"updatedAt\":1}", AlertChannel.class).team());
    assertEquals("default", read("{\"id\":\"c\",\"name\":\"n\",\"kind\":\"SLACK\",\"team\":\"\"}", AlertChannel.class).team());
  }

  @Test
  void aTeamSurvivesTheStoreAndTheCopies() {
    Task task = read("{\"id\":\"t\",\"name\":\"n\",\"eventSourceId\":\"e\",\"team\":\"payments\"}", Task.class);
    Task copy = task.withIdentity("t2", 5, 6).withAlert(null).withCallback(null);
    assertEquals("payments", copy.team());
    assertEquals("payments", read(Json.write(copy), Task.class).team());
    DataSource ds = read("{\"id\":\"d\",\"name\":\"n\",\"kind\":\"REDIS\",\"team\":\"orders\"}", DataSource.class);
    assertEquals("orders", ds.withIdentity("d2", 1, 2).withSecrets("p", null, null).team());
    AlertChannel c = read("{\"id\":\"c\",\"name\":\"n\",\"kind\":\"SLACK\",\"team\":\"orders\"}", AlertChannel.class);
    assertEquals("orders", c.withIdentity("c2", "http://x", 1, 2).team());
    assertEquals("orders", read(Json.write(c), AlertChannel.class).team());
  }
}
