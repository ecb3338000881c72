package dev.tally.auth;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who sent a request. A USER is a person (session cookie or personal API token): an {@code owner} may do
 * anything, everyone else what their role in each team allows. An INGEST caller holds an event source's
 * ingestion token and may post events to that source and nothing else. OPEN is every request of a node started
 * in open development mode ({@code auth.mode=open}); it may do anything.
 *
 * <p>{@code csrfToken} is set for a session only: writes from a session must echo it in {@code X-CSRF-Token}.
 */
public record Caller(Kind kind, String userId, String username, boolean owner, Map<String, Role> roles,
                     String eventSourceId, String csrfToken) {
  public enum Kind { OPEN, USER, INGEST }

  public static final Caller OPEN = new Caller(Kind.OPEN, null, "open-mode", true, Map.of(), null, null);

  public Caller {
    roles = roles == null ? Map.of() : Map.copyOf(roles);
  }

  public static Caller user(String userId, String username, boolean owner, Map<String, Role> roles) {
    return new Caller(Kind.USER, userId, username, owner, roles, null, null);
  }

  public static Caller ingest(String eventSourceId) {
    return new Caller(Kind.INGEST, null, null, false, Map.of(), eventSourceId, null);
  }

  /** The same user, signed in by a session whose writes must carry {@code csrf}. */
  public Caller withSession(String csrf) {
    return new Caller(kind, userId, username, owner, roles, eventSourceId, csrf);
  }

  /** True when this caller sees every team (an owner, or open mode). */
  public boolean allTeams() {
    return kind != Kind.INGEST && owner;
  }

  /** May this caller act with at least {@code role} on things of {@code team}? */
  public boolean can(String team, Role role) {
    if (kind == Kind.INGEST) return false;
    if (owner) return true;
    Role held = roles.get(team == null ? Teams.DEFAULT : team);
    return held != null && held.includes(role);
  }

  /** The teams where this caller holds at least {@code role}; meaningless when {@link #allTeams()}. */
  public Set<String> teams(Role role) {
    Set<String> teams = new TreeSet<>();
    roles.forEach((team, held) -> {
      if (held.includes(role)) teams.add(team);
    });
    return teams;
  }
}
