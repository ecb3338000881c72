package dev.tally.source;

import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** One-line messages for why a side could not be read, worded for the person who configured it. */
public final class ReadErrors {
  private ReadErrors() {
  }

  /** @param address "host:port" of the source (or the request, "POST url"), named in connection errors */
  public static String describe(Throwable error, String address, long timeoutMs) {
    return describe(error, address, timeoutMs, "MySQL");
  }

  /** @param product the database whose errors these are ("MySQL", "PostgreSQL"), named in server errors */
  static String describe(Throwable error, String address, long timeoutMs, String product) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) return "timed out after " + timeoutMs + " ms (" + address + ")";
      if (t instanceof UnknownHostException) return "unknown host " + address;
      if (t instanceof ConnectException) {
        String message = String.valueOf(t.getMessage());
        return message.toLowerCase().contains("refused")
            ? "connection refused " + address
            : "cannot connect to " + address + ": " + message;
      }
      if (t instanceof SSLException) return "TLS with " + address + " failed: " + t.getMessage();
      if (t instanceof ClosedChannelException) return "connection to " + address + " closed";
      if (t instanceof DatabaseException db) {
        return product + " error " + db.getErrorCode() + " (" + db.getSqlState() + "): " + db.getMessage();
      }
      if (t.getCause() == null || t.getCause() == t) break;
    }
    String message = error.getMessage();
    return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
  }
}
