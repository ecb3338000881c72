package dev.tally.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where Tally's outbound HTTP requests (HTTP data sources, Elasticsearch hosts, API tasks, callbacks, alert
 * webhooks) may go. Plain Java, no I/O: the caller resolves names and asks about the resolved addresses.
 *
 * <p>{@code allowHosts}: host names ({@code api.example.com}), wildcards ({@code *.example.com}: any name below
 * example.com), IP addresses and CIDRs ({@code 10.0.0.0/8}, {@code fd00::/8}); empty: any host. Whatever the list,
 * link-local addresses (169.254.0.0/16, fe80::/10) and cloud metadata endpoints (169.254.169.254, fd00:ec2::254,
 * metadata.google.internal) are refused unless an entry names them: an IP or CIDR entry holding the address, or
 * the metadata name itself. A name not listed is allowed only if it resolves into a listed IP or CIDR (so with
 * names alone in the list it is refused before any DNS). A name is checked twice: before the request (its
 * spelling) and at connect time (the address it resolved to, which is the one connected to), so a name that later
 * resolves to a refused address (DNS rebinding) is still refused.
 */
public final class OutboundPolicy {
  private static final Pattern NAME = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  private static final Pattern IP_LIKE = Pattern.compile("[0-9.]+|.*:.*");
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
  /** Any host but link-local and metadata ones; answers up to 1 MiB. */
  public static final OutboundPolicy DEFAULT = new OutboundPolicy(List.of(), DEFAULT_MAX_RESPONSE_BYTES);

  private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata");
  private static final List<Cidr> SPECIAL = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"),
      Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"));

  private final List<String> names = new ArrayList<>();
  private final List<Cidr> cidrs = new ArrayList<>();
  private final long maxResponseBytes;

  /** @throws IllegalArgumentException naming an entry that is neither a host name, a wildcard, an IP nor a CIDR */
  public OutboundPolicy(List<String> allowHosts, long maxResponseBytes) {
    if (maxResponseBytes <= 0) throw new IllegalArgumentException("outbound.maxResponseBytes must be positive");
    this.maxResponseBytes = maxResponseBytes;
    for (String raw : allowHosts) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) continue;
      if (entry.contains("/") || IP_LIKE.matcher(entry).matches()) {
        cidrs.add(Cidr.parse(entry.contains("/") ? entry : entry + "/" + (entry.contains(":") ? 128 : 32)));
      } else if (NAME.matcher(entry).matches()) {
        names.add(entry);
      } else {
        throw new IllegalArgumentException("outbound.allowHosts: " + raw + " is not a host name, *.domain, IP or CIDR");
      }
    }
  }

  /** From the setting: entries separated by commas or spaces. */
  public static OutboundPolicy parse(String allowHosts, long maxResponseBytes) {
    return new OutboundPolicy(allowHosts == null || allowHosts.isBlank() ? List.of()
        : List.of(allowHosts.strip().split("[,\\s]+")), maxResponseBytes);
  }

  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  private boolean anyHost() {
    return names.isEmpty() && cidrs.isEmpty();
  }

  /** Why a URL may not be called (its host as written, before any DNS), or empty if it may. */
  public Optional<String> refusalOfUrl(String url) {
    String host;
    try {
      host = URI.create(url.strip()).getHost();
    } catch (IllegalArgumentException e) {
      return Optional.of("is not a URL");
    }
    if (host == null) return Optional.of("has no host");
    return refusalOfHost(host);
  }

  /** Why a host (name or IP literal, IPv6 with or without brackets) may not be called, before any DNS. */
  public Optional<String> refusalOfHost(String rawHost) {
    String host = bare(rawHost);
    InetAddress literal = literal(host);
    if (literal != null) return refusalOfAddress(host, literal, false);
    if (METADATA_NAMES.contains(host) && !nameListed(host)) {
      return Optional.of("host " + host + " is a cloud metadata endpoint, refused unless outbound.allowHosts names it");
    }
    // an unlisted name may still resolve into a listed block: decided at connect time
    if (anyHost() || nameListed(host) || !cidrs.isEmpty()) return Optional.empty();
    return Optional.of("host " + host + " is not in outbound.allowHosts");
  }

  /**
   * Why a connection to {@code address}, which {@code rawHost} resolved to, may not be made, or empty if it may.
   * The caller connects to exactly this address, so the check cannot be bypassed by a second DNS answer.
   */
  public Optional<String> refusalAtConnect(String rawHost, InetAddress address) {
    String host = bare(rawHost);
    Optional<String> byName = refusalOfHost(host);
    if (byName.isPresent()) return byName;
    return refusalOfAddress(host, address, literal(host) == null && (anyHost() || nameListed(host)));
  }

  private Optional<String> refusalOfAddress(String host, InetAddress address, boolean nameAllowed) {
    boolean listed = cidrs.stream().anyMatch(c -> c.contains(address));
    String shown = address.getHostAddress().equals(host) ? host : host + " (" + address.getHostAddress() + ")";
    if (!listed && SPECIAL.stream().anyMatch(c -> c.contains(address))) {
      return Optional.of(shown + " is a link-local or cloud metadata address, refused unless outbound.allowHosts holds it");
    }
    if (anyHost() || listed || nameAllowed) return Optional.empty();
    return Optional.of(shown + " is not in outbound.allowHosts");
  }

  private boolean nameListed(String host) {
    for (String n : names) {
      if (n.startsWith("*.") ? host.endsWith(n.substring(1)) : host.equals(n)) return true;
    }
    return false;
  }

  private static String bare(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** The address of an IP literal, without DNS; null for a name. */
  public static InetAddress literal(String host) {
    if (!IP_LIKE.matcher(host).matches()) return null;
    if (!host.contains(":") && !host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return null;
    try {
      return InetAddress.getByName(host); // a literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address block: base address and prefix length. */
  record Cidr(byte[] base, int bits) {
    static Cidr parse(String text) {
      int slash = text.indexOf('/');
      InetAddress address = literal(text.substring(0, slash));
      if (address == null) throw new IllegalArgumentException("outbound.allowHosts: " + text + " is not an IP or CIDR");
      int bits;
      try {
        bits = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("outbound.allowHosts: " + text + " has no prefix length");
      }
      byte[] base = address.getAddress();
      if (bits < 0 || bits > base.length * 8) throw new IllegalArgumentException("outbound.allowHosts: " + text + " has a bad prefix length");
      return new Cidr(base, bits);
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != base.length) return false;
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((a[i / 8] & mask) != (base[i / 8] & mask)) return false;
      }
      return true;
    }
  }
}
