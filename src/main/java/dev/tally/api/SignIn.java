package dev.tally.api;

import dev.tally.auth.LoginThrottle;
import dev.tally.auth.PasswordHasher;
import dev.tally.store.AuthRepository;
import dev.tally.store.AuthRepository.Account;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Checks a username and password (login, HTTP Basic on token creation, password change): throttled per username,
 * Argon2 off the event loop, and the same answer and about the same time for an unknown user as for a wrong password.
 */
final class SignIn {
  static final String WRONG = "wrong username or password";
  private final Vertx vertx;
  private final AuthRepository auth;
  private final LoginThrottle throttle = new LoginThrottle();

  SignIn(Vertx vertx, AuthRepository auth) {
    this.vertx = vertx;
    this.auth = auth;
  }

  /** The enabled account these credentials open; fails with 401 or 429. */
  Future<Account> verify(String username, String password) {
    if (username == null || password == null) return Future.failedFuture(new ApiErrors.Unauthenticated(WRONG));
    long wait = throttle.waitSeconds(username, System.currentTimeMillis());
    if (wait > 0) return Future.failedFuture(new ApiErrors.TooManyAttempts(wait));
    return auth.accountByUsername(username)
        .compose(account -> hashed(() -> PasswordHasher.verify(password, account == null ? PasswordHasher.DUMMY : account.passwordHash()))
            .compose(matches -> {
              if (matches && account != null && !account.disabled()) {
                throttle.succeeded(username);
                return Future.succeededFuture(account);
              }
              throttle.failed(username, System.currentTimeMillis());
              return Future.failedFuture(new ApiErrors.Unauthenticated(WRONG));
            }));
  }

  /** A new password's hash, made off the event loop; 400 naming {@code field} when the password is too weak. */
  Future<String> hashNew(String password, String field) {
    String weakness = PasswordHasher.weakness(password);
    if (weakness != null) return Future.failedFuture(new dev.tally.model.ValidationException(field, "password too weak", weakness));
    return hashed(() -> PasswordHasher.hash(password));
  }

  /** Argon2 work on a worker thread, not in order with other blocking work of the same context. */
  private <T> Future<T> hashed(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }
}
