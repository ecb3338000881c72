package dev.tally.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutboundPolicyTest {
  private static final OutboundPolicy LISTED = new OutboundPolicy(
      List.of("api.example.com", "*.partner.test", "10.0.0.0/8", "192.168.1.7", "fd00:1::/32"), 1024);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static void allowed(Optional<String> refusal) {
    assertEquals(Optional.empty(), refusal);
  }

  private static void refused(Optional<String> refusal, String why) {
    assertTrue(refusal.isPresent() && refusal.get().contains(why), "expected a refusal with '" + why + "', got " + refusal);
  }

  @Test
  void byDefaultAnyHostIncludingLoopbackButNotLinkLocalOrMetadata() throws Exception {
    OutboundPolicy p = OutboundPolicy.DEFAULT;
    allowed(p.refusalOfUrl("http://127.0.0.1:8080/x"));
    allowed(p.refusalOfUrl("http://[::1]:8080/x"));
    allowed(p.refusalOfUrl("https://anything.example.org/"));
    allowed(p.refusalAtConnect("localhost", ip("127.0.0.1")));
    refused(p.refusalOfUrl("http://169.254.169.254/latest/meta-data/"), "link-local or cloud metadata");
    refused(p.refusalOfUrl("http://169.254.3.4/"), "link-local");
    refused(p.refusalOfUrl("http://[fe80::1]/"), "link-local");
    refused(p.refusalOfUrl("http://[fd00:ec2::254]/"), "metadata");
    refused(p.refusalOfUrl("http://metadata.google.internal/computeMetadata/v1/"), "metadata endpoint");
    refused(p.refusalOfUrl("http://METADATA.google.internal./"), "metadata endpoint");
    // an IPv4-mapped IPv6 spelling of the metadata address
    refused(p.refusalOfUrl("http://[::ffff:169.254.169.254]/"), "link-local");
  }

  @Test
  void aNameResolvingToAMetadataAddressIsRefusedAtConnect() throws Exception {
    refused(OutboundPolicy.DEFAULT.refusalAtConnect("rebind.example.com", ip("169.254.169.254")), "rebind.example.com (169.254.169.254)");
    refused(LISTED.refusalAtConnect("api.example.com", ip("169.254.169.254")), "link-local");
    allowed(LISTED.refusalAtConnect("api.example.com", ip("203.0.113.5")));
  }

  @Test
  void namesAndWildcards() throws Exception {
    OutboundPolicy names = new OutboundPolicy(List.of("api.example.com", "*.partner.test"), 1024);
    allowed(names.refusalOfHost("api.example.com"));
    allowed(names.refusalOfHost("API.Example.com"));
    refused(names.refusalOfHost("www.example.com"), "not in outbound.allowHosts");
    refused(names.refusalOfHost("example.com.evil.test"), "not in outbound.allowHosts");
    allowed(names.refusalOfHost("a.partner.test"));
    allowed(names.refusalOfHost("b.a.partner.test"));
    refused(names.refusalOfHost("partner.test"), "not in");
    refused(names.refusalOfHost("evilpartner.test"), "not in");
    refused(names.refusalOfHost("127.0.0.1"), "127.0.0.1 is not in outbound.allowHosts");
    refused(names.refusalOfHost("localhost"), "not in");
    // with CIDRs in the list an unlisted name is decided by what it resolves to
    allowed(LISTED.refusalOfHost("www.example.com"));
    refused(LISTED.refusalAtConnect("www.example.com", ip("127.0.0.1")), "www.example.com (127.0.0.1) is not in");
    allowed(LISTED.refusalAtConnect("a.partner.test", ip("127.0.0.1")));
  }

  @Test
  void ipsAndCidrsV4AndV6() throws Exception {
    allowed(LISTED.refusalOfHost("10.1.2.3"));
    allowed(LISTED.refusalOfHost("192.168.1.7"));
    refused(LISTED.refusalOfHost("192.168.1.8"), "not in");
    refused(LISTED.refusalOfHost("11.0.0.1"), "not in");
    allowed(LISTED.refusalOfHost("[fd00:1:2::3]"));
    refused(LISTED.refusalOfHost("fd00:2::3"), "not in");
    // an unlisted name resolving into a listed block passes at connect time, outside it not
    allowed(LISTED.refusalAtConnect("db.internal.test", ip("10.9.9.9")));
    refused(LISTED.refusalAtConnect("db.internal.test", ip("8.8.8.8")), "db.internal.test (8.8.8.8) is not in");
  }

  @Test
  void linkLocalAndMetadataOnlyWhenListed() throws Exception {
    OutboundPolicy p = new OutboundPolicy(List.of("169.254.169.254", "metadata.google.internal", "fe80::/10"), 1024);
    allowed(p.refusalOfUrl("http://169.254.169.254/latest/"));
    refused(p.refusalOfUrl("http://169.254.1.1/"), "link-local");
    allowed(p.refusalOfUrl("http://metadata.google.internal/"));
    allowed(p.refusalOfUrl("http://[fe80::1]/"));
    // a wildcard is no explicit permission for a metadata address behind it
    OutboundPolicy wild = new OutboundPolicy(List.of("*.example.com"), 1024);
    refused(wild.refusalAtConnect("x.example.com", ip("169.254.169.254")), "link-local");
  }

  @Test
  void badEntriesAndParsing() {
    assertThrows(IllegalArgumentException.class, () -> OutboundPolicy.parse("10.0.0.0/33", 1));
    assertThrows(IllegalArgumentException.class, () -> OutboundPolicy.parse("not a/host", 1));
    assertThrows(IllegalArgumentException.class, () -> OutboundPolicy.parse("ex ample!", 1));
    assertThrows(IllegalArgumentException.class, () -> OutboundPolicy.parse("", 0));
    OutboundPolicy p = OutboundPolicy.parse(" a.test, 10.0.0.0/8 ", 5);
    assertEquals(5, p.maxResponseBytes());
    allowed(p.refusalOfHost("a.test"));
    refused(p.refusalOfHost("11.0.0.1"), "not in");
    refused(p.refusalOfUrl("not a url at all"), "");
  }
}
