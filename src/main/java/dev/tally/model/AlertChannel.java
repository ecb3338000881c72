package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A place alert messages go. {@code url} is write-only: it often embeds a token, so the API shows only whether it
 * is set and no log line carries it; a client sending that view back ({@code urlSet}) is not refused.
 * {@code team}: the team it belongs to (null on channels stored before teams: the default team).
 */
@JsonIgnoreProperties({"urlSet"})
public record AlertChannel(String id, String name, AlertChannelKind kind, String url, long createdAt, long updatedAt,
                           String team) implements TeamOwned {
  public AlertChannel {
    team = dev.tally.auth.Teams.of(team);
  }

  /** A channel of the default team. */
  public AlertChannel(String id, String name, AlertChannelKind kind, String url, long createdAt, long updatedAt) {
    this(id, name, kind, url, createdAt, updatedAt, null);
  }

  public AlertChannel withIdentity(String newId, String newUrl, long newCreatedAt, long newUpdatedAt) {
    return new AlertChannel(newId, name, kind, newUrl, newCreatedAt, newUpdatedAt, team);
  }

  public AlertChannel withTeam(String newTeam) {
    return new AlertChannel(id, name, kind, url, createdAt, updatedAt, newTeam);
  }

  @Override
  public String toString() {
    return "AlertChannel[id=" + id + ", name=" + name + ", kind=" + kind + ", team=" + team + "]";
  }
}
