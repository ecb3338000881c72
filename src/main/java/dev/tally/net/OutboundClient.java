package dev.tally.net;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Outbound HTTP under an {@link OutboundPolicy}: the URL's host is checked, resolved (without blocking), the
 * address checked, and the connection made to the checked address with the Host header (and TLS server name) of
 * the URL, so DNS cannot answer differently between check and connect. Redirects are not followed (a 3xx is the
 * answer); a body larger than the policy's bound fails the request without being buffered beyond it.
 */
public final class OutboundClient {
  private final Vertx vertx;
  private final OutboundPolicy policy;
  private final HttpClient client;

  public OutboundClient(Vertx vertx, OutboundPolicy policy, HttpClientOptions options, PoolOptions pool) {
    this.vertx = vertx;
    this.policy = policy;
    this.client = vertx.createHttpClient(options, pool);
  }

  public OutboundClient(Vertx vertx, OutboundPolicy policy) {
    this(vertx, policy, new HttpClientOptions(), new PoolOptions());
  }

  /** An answer, whatever its status. */
  public record Response(int status, MultiMap headers, Buffer body) {
  }

  /** The request was refused by the policy before any connection. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  /** The answer was larger than outbound.maxResponseBytes. */
  public static final class TooLarge extends RuntimeException {
    public TooLarge(String message) {
      super(message);
    }
  }

  public OutboundPolicy policy() {
    return policy;
  }

  /** Sends {@code body} (null: none) to an absolute http(s) URL and reads the whole answer, within timeoutMs. */
  public Future<Response> send(HttpMethod method, String url, Map<String, String> headers, Buffer body, long timeoutMs) {
    URI uri;
    try {
      uri = URI.create(url);
      if (uri.getHost() == null || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("not an http(s) URL with a host");
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalArgumentException("cannot request " + url + ": " + e.getMessage()));
    }
    Optional<String> refused = policy.refusalOfUrl(url);
    if (refused.isPresent()) return Future.failedFuture(new Refused("outbound request refused: " + refused.get()));
    String host = uri.getHost();
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    // Every step runs on one context, and the response handlers are set in the same task that sends: a caller
    // off the event loop (a test's thread, the resolver's) could otherwise attach them after a small answer ended.
    ContextInternal context = ((VertxInternal) vertx).getOrCreateContext();
    Promise<InetAddress> address = context.promise();
    resolve(host).onComplete(address);
    return address.future()
        .compose(resolved -> {
          RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url).setFollowRedirects(false)
              .setServer(SocketAddress.inetSocketAddress(port, resolved.getHostAddress()))
              .setIdleTimeout(timeoutMs).setConnectTimeout(timeoutMs);
          options.putHeader("User-Agent", "Tally");
          headers.forEach(options::putHeader);
          return client.request(options);
        })
        .compose(request -> {
          Future<Response> answer = request.response().compose(this::read);
          if (body == null) request.end();
          else request.end(body);
          return answer;
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The address to connect to, once allowed: an IP literal as is, a name through Vert.x's own non-blocking
   * resolver (the one its clients use, hosts file included). The connection goes to exactly this address.
   */
  private Future<InetAddress> resolve(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    InetAddress literal = OutboundPolicy.literal(bare);
    Future<InetAddress> resolved = literal != null ? Future.succeededFuture(literal)
        : ((VertxInternal) vertx).nameResolver().resolve(bare);
    return resolved.compose(address -> {
      Optional<String> refused = policy.refusalAtConnect(host, address);
      return refused.isPresent() ? Future.failedFuture(new Refused("outbound request refused: " + refused.get()))
          : Future.succeededFuture(address);
    });
  }

  private Future<Response> read(HttpClientResponse response) {
    long max = policy.maxResponseBytes();
    String length = response.getHeader("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > max) {
      response.exceptionHandler(ignored -> { }); // the reset below is ours
      response.request().reset();
      return Future.failedFuture(tooLarge(max));
    }
    Promise<Response> done = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (done.future().isComplete()) return;
      if (body.length() + chunk.length() > max) {
        done.tryFail(tooLarge(max));
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(new Response(response.statusCode(), response.headers(), body)));
    return done.future();
  }

  private static TooLarge tooLarge(long max) {
    return new TooLarge("the answer is larger than outbound.maxResponseBytes (" + max + " bytes)");
  }

  public Future<Void> close() {
    return client.close();
  }
}
