package dev.tally.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves a secret given as a reference when a client is created: {@code env:NAME} (an environment variable)
 * or {@code file:/path} (the file's content, without a trailing newline). Any other value is the secret itself.
 * A failure names the reference, never a value.
 */
public final class SecretRefs {
  public static final String ENV = "env:";
  public static final String FILE = "file:";

  private final Function<String, String> env;

  public SecretRefs(Function<String, String> env) {
    this.env = env;
  }

  /** References resolved against this process's environment. */
  public static final SecretRefs SYSTEM = new SecretRefs(System::getenv);

  /** The secret {@code value} stands for; throws {@link UnresolvedSecretException} naming the reference. */
  public String resolve(String value) {
    if (value == null) return null;
    if (value.startsWith(ENV)) {
      String name = value.substring(ENV.length());
      String found = name.isEmpty() ? null : env.apply(name);
      if (found == null) throw new UnresolvedSecretException("secret reference " + value + ": no such environment variable");
      return found;
    }
    if (value.startsWith(FILE)) {
      try {
        return Files.readString(Path.of(value.substring(FILE.length()))).stripTrailing();
      } catch (IOException | RuntimeException e) {
        throw new UnresolvedSecretException("secret reference " + value + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
      }
    }
    return value;
  }

  /** A reference that does not resolve. Its message names the reference only. */
  public static final class UnresolvedSecretException extends RuntimeException {
    public UnresolvedSecretException(String message) {
      super(message, null, false, false);
    }
  }

  /** Resolves every value of a map (header values). */
  public Map<String, String> resolveAll(Map<String, String> values) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, resolve(v)));
    return out;
  }
}
