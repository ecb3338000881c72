package dev.tally.auth;

import java.util.regex.Pattern;

/** What may be asked of user accounts, as plain decisions: the routes turn a non-null answer into an error. */
public final class UserRules {
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

  private UserRules() {
  }

  /** Why a username is refused, or null. */
  public static String badUsername(String username) {
    if (username == null || username.isBlank()) return "required";
    if (!USERNAME.matcher(username).matches()) return "letters, digits and . _ @ - (at most 64, starting with a letter or digit)";
    return null;
  }

  /**
   * Why {@code actorId} may not make this change to {@code targetId}, or null. {@code owner}/{@code disabled} are
   * the requested values (null: unchanged); {@code targetIsOwner} what the target is now; {@code activeOwners}
   * how many enabled owners exist now.
   */
  public static String refusedChange(String actorId, String targetId, boolean targetIsOwner, Boolean owner, Boolean disabled,
                                     long activeOwners) {
    boolean self = targetId.equals(actorId);
    if (self && owner == Boolean.FALSE) return "you cannot remove your own owner flag";
    if (self && disabled == Boolean.TRUE) return "you cannot disable yourself";
    boolean losesOwner = targetIsOwner && (owner == Boolean.FALSE || disabled == Boolean.TRUE);
    if (losesOwner && activeOwners <= 1) return "the last owner cannot be demoted or disabled";
    return null;
  }

  /** Why {@code actorId} may not delete {@code targetId}, or null. */
  public static String refusedDelete(String actorId, String targetId, boolean targetIsOwner, long activeOwners) {
    if (targetId.equals(actorId)) return "you cannot delete yourself";
    if (targetIsOwner && activeOwners <= 1) return "the last owner cannot be deleted";
    return null;
  }
}
