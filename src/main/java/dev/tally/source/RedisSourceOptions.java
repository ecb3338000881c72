package dev.tally.source;

import dev.tally.model.DataSource;
import dev.tally.model.RedisMode;
import dev.tally.model.ValidationException;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a REDIS data source's settings mean: the rules they must follow ({@link #validate}) and the client
 * options they make ({@link #options}), per {@link RedisMode}:
 * <ul>
 *   <li>STANDALONE: {@code host} (and {@code port}, 6379), database {@code redisDb};</li>
 *   <li>CLUSTER: {@code hosts}, seed nodes {@code host:port}; the rest of the cluster is found from them. Only
 *       database 0 exists in a cluster;</li>
 *   <li>SENTINEL: {@code hosts}, the sentinels {@code host:port}, asked for the master of {@code masterName};
 *       reads go to that master, database {@code redisDb}.</li>
 * </ul>
 * {@code tls} makes every connection {@code rediss://}, trusting {@code tlsCaFile} (PEM) when given, else the
 * JVM's trust store; host names are verified. {@code user} and {@code password} authenticate (Redis 6 ACL user,
 * or the default user); in SENTINEL mode they are sent to the sentinels too. The password is set apart from the
 * connection strings, so it is never part of an endpoint or an error message.
 */
public final class RedisSourceOptions {
  public static final int DEFAULT_PORT = 6379;
  public static final int MAX_KEY_PREFIX = 128;
  public static final int MAX_DB = 15;
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern HOST_PORT = Pattern.compile("(" + HOST.pattern() + "):([0-9]{1,5})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private RedisSourceOptions() {
  }

  public static RedisMode mode(DataSource ds) {
    return ds.redisMode() == null ? RedisMode.STANDALONE : ds.redisMode();
  }

  /** The key read for a rendered key template: the data source's {@code keyPrefix} (a literal) before it. */
  public static String key(DataSource ds, String renderedKey) {
    return ds.keyPrefix() == null ? renderedKey : ds.keyPrefix() + renderedKey;
  }

  /**
   * Checks a REDIS data source's connection settings.
   *
   * @throws ValidationException naming the first bad field
   */
  public static void validate(DataSource ds) {
    RedisMode mode = mode(ds);
    switch (mode) {
      case STANDALONE -> {
        if (ds.host() == null || ds.host().isBlank()) throw new ValidationException("host", "required");
        if (!isHost(ds.host())) throw new ValidationException("host", "is not a host name or IP address", ds.host());
        if (!ds.hosts().isEmpty()) {
          throw new ValidationException("hosts", "applies only to redisMode CLUSTER and SENTINEL", "STANDALONE uses host and port");
        }
      }
      case CLUSTER, SENTINEL -> {
        String nodes = mode == RedisMode.CLUSTER ? "seed nodes" : "sentinels";
        if (ds.hosts().isEmpty()) throw new ValidationException("hosts", "required", "the " + nodes + " as host:port");
        for (int i = 0; i < ds.hosts().size(); i++) {
          String entry = ds.hosts().get(i);
          if (entry == null || !HOST_PORT.matcher(entry).matches() || port(entry) < 1 || port(entry) > 65535) {
            throw new ValidationException("hosts[" + i + "]", "is not host:port", String.valueOf(entry));
          }
        }
        if (ds.host() != null && !ds.host().isBlank()) {
          throw new ValidationException("host", "not used with redisMode " + mode, "the " + nodes + " go in hosts");
        }
        if (ds.port() != null) throw new ValidationException("port", "not used with redisMode " + mode, "give host:port in hosts");
      }
    }
    if (ds.redisDb() != null) {
      if (mode == RedisMode.CLUSTER && ds.redisDb() != 0) {
        throw new ValidationException("redisDb", "Redis Cluster has only database 0", "leave redisDb out or set 0");
      }
      if (ds.redisDb() < 0 || ds.redisDb() > MAX_DB) throw new ValidationException("redisDb", "out of range", "0 to " + MAX_DB);
    }
    if (mode == RedisMode.SENTINEL) {
      if (ds.masterName() == null || ds.masterName().isBlank()) {
        throw new ValidationException("masterName", "required", "the name the sentinels monitor the master by");
      }
      if (!isPlainText(ds.masterName(), MAX_KEY_PREFIX)) {
        throw new ValidationException("masterName", "must be at most " + MAX_KEY_PREFIX + " characters without whitespace or control characters");
      }
    } else if (ds.masterName() != null && !ds.masterName().isEmpty()) {
      throw new ValidationException("masterName", "applies only to redisMode SENTINEL");
    }
    if (ds.keyPrefix() != null && !ds.keyPrefix().isEmpty() && !isPlainText(ds.keyPrefix(), MAX_KEY_PREFIX)) {
      throw new ValidationException("keyPrefix", "must be at most " + MAX_KEY_PREFIX + " characters without whitespace or control characters");
    }
    if (ds.tlsCaFile() != null && !ds.tlsCaFile().isBlank()) {
      if (!ds.tlsOn()) throw new ValidationException("tlsCaFile", "applies only with tls: true");
      if (!Files.isReadable(Path.of(ds.tlsCaFile()))) {
        throw new ValidationException("tlsCaFile", "is not a readable file on the Tally server", ds.tlsCaFile());
      }
    }
  }

  /** Client options for a valid data source (see {@link #validate}). Creating them does not connect. */
  public static RedisOptions options(DataSource ds, int defaultPoolSize) {
    RedisMode mode = mode(ds);
    String scheme = ds.tlsOn() ? "rediss://" : "redis://";
    // SELECT is sent to the master (SENTINEL) or the server (STANDALONE); a cluster has database 0 only
    String db = mode == RedisMode.CLUSTER || ds.redisDb() == null ? "" : "/" + ds.redisDb();
    List<String> endpoints = switch (mode) {
      case STANDALONE -> List.of(scheme + standaloneAddress(ds) + db);
      case CLUSTER, SENTINEL -> ds.hosts().stream().map(h -> scheme + normalizedHostPort(h) + db).toList();
    };
    RedisOptions options = new RedisOptions()
        .setType(switch (mode) {
          case STANDALONE -> RedisClientType.STANDALONE;
          case CLUSTER -> RedisClientType.CLUSTER;
          case SENTINEL -> RedisClientType.SENTINEL;
        })
        .setEndpoints(endpoints)
        .setMaxPoolSize(ds.poolSize() == null ? defaultPoolSize : ds.poolSize())
        // waiters are bounded by the read time-out, not by a queue length that a burst would overflow (not -1:
        // the cluster and sentinel clients insist on maxPoolWaiting >= maxPoolSize)
        .setMaxPoolWaiting(Integer.MAX_VALUE)
        .setNetClientOptions(netClientOptions(ds));
    if (mode == RedisMode.SENTINEL) options.setMasterName(ds.masterName()).setRole(RedisRole.MASTER);
    // set apart from the connection strings so a password needs no URL-escaping and never shows in an endpoint
    if (ds.user() != null && !ds.user().isBlank()) options.setUser(ds.user());
    if (ds.password() != null && !ds.password().isEmpty()) options.setPassword(ds.password());
    return options;
  }

  /** Options for one connection to one node of the data source (a cluster's master), with its credentials and TLS. */
  public static RedisOptions node(DataSource ds, String host, int port) {
    return options(ds, 1).setType(RedisClientType.STANDALONE)
        .setEndpoints(List.of((ds.tlsOn() ? "rediss://" : "redis://") + hostPort(host, port)));
  }

  /** Where the data source points, for error messages: no password, no user. */
  public static String address(DataSource ds) {
    return switch (mode(ds)) {
      case STANDALONE -> standaloneAddress(ds);
      case CLUSTER -> "cluster " + String.join(",", ds.hosts());
      case SENTINEL -> "master " + ds.masterName() + " via sentinels " + String.join(",", ds.hosts());
    };
  }

  private static String standaloneAddress(DataSource ds) {
    return hostPort(ds.host() == null || ds.host().isBlank() ? "localhost" : ds.host(), ds.port() == null ? DEFAULT_PORT : ds.port());
  }

  private static NetClientOptions netClientOptions(DataSource ds) {
    NetClientOptions net = new NetClientOptions().setConnectTimeout(ds.timeoutOrDefault());
    if (ds.tlsOn()) {
      net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
      if (ds.tlsCaFile() != null && !ds.tlsCaFile().isBlank()) net.setTrustOptions(new PemTrustOptions().addCertPath(ds.tlsCaFile()));
    }
    return net;
  }

  private static boolean isHost(String host) {
    return HOST.matcher(host).matches() || IPV6.matcher(host).matches() && host.contains(":");
  }

  /** host:port with an IPv6 address in brackets. */
  private static String hostPort(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  private static String normalizedHostPort(String entry) {
    Matcher m = HOST_PORT.matcher(entry);
    return m.matches() ? hostPort(m.group(1), Integer.parseInt(m.group(2))) : entry;
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /** At most {@code max} characters, none of them whitespace or a control character. */
  static boolean isPlainText(String value, int max) {
    if (value.length() > max) return false;
    return value.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
        || Character.getType(c) == Character.FORMAT);
  }
}
