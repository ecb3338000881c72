package dev.tally.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A place alert messages go. {@code url} is write-only: it often embeds a token, so the API shows only whether it
 * is set and no log line carries it; a client sending that view back ({@code urlSet}) is not refused.
 */
@JsonIgnoreProperties({"urlSet"})
public record AlertChannel(String id, String name, AlertChannelKind kind, String url, long createdAt, long updatedAt) {
  public AlertChannel withIdentity(String newId, String newUrl, long newCreatedAt, long newUpdatedAt) {
    return new AlertChannel(newId, name, kind, newUrl, newCreatedAt, newUpdatedAt);
  }

  @Override
  public String toString() {
    return "AlertChannel[id=" + id + ", name=" + name + ", kind=" + kind + "]";
  }
}
