package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.it.SearchIndex;
import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.Json;
import dev.tally.model.SideRead;
import dev.tally.model.SideSpec;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the real OpenSearch 2.19 that scripts/infra/opensearch.sh starts; what only a fake can show
 * (headers sent, answers that never come, 401 and 5xx) against a small Vert.x server.
 */
class ElasticsearchSideReaderTest extends SideReaderContractTest {
  private static final String MAPPINGS = "{\"properties\":{\"sku\":{\"type\":\"keyword\"},\"status\":{\"type\":\"keyword\"},"
      + "\"qty\":{\"type\":\"long\"},\"price\":{\"type\":\"double\"}}}";

  /** Reads document {@code #{id}} of index x of the fake. */
  private static final SideSpec FAKE_SPEC =
      new SideSpec("ds-es", null, null, null, null, null, null, null, null, null, "x", "#{id}", null, null, null);

  private final Map<String, String> seen = new ConcurrentHashMap<>();
  /** Readers a test made, closed after all. */
  private final List<ElasticsearchSideReader> made = new ArrayList<>();
  private SearchIndex index;
  private ElasticsearchSideReader reader;
  private HttpServer fake;
  private String fakeUrl;

  static DataSource dataSource(List<String> hosts, String user, String password, String apiKey, int timeoutMs) {
    return new DataSource("ds-es", "search", DataSourceKind.ELASTICSEARCH, null, null, null, user, password, null,
        null, null, timeoutMs, null, hosts, apiKey, null, null, null, null, null, 0L, 0L);
  }

  @BeforeAll
  void createIndexAndFake() throws Exception {
    index = new SearchIndex("tally-reader", MAPPINGS);
    index.put("1", "{\"sku\":\"A-1\",\"qty\":3,\"price\":12.50,\"status\":\"paid\",\"ship\":{\"city\":\"Oslo\"}}");
    index.put("2", "{\"sku\":\"B-2\",\"qty\":7,\"price\":1.5,\"status\":\"open\"}");
    index.put("3", "{\"sku\":\"C-3\",\"qty\":7,\"price\":2,\"status\":\"open\"}");
    index.put("a b/c", "{\"sku\":\"odd\",\"qty\":0}");
    reader = new ElasticsearchSideReader(vertx, dataSource(List.of(SearchIndex.URL), null, null, null, 5000));
    fake = Await.result(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
    fakeUrl = "http://127.0.0.1:" + fake.actualPort();
  }

  /** The fake: /{index}/_doc/ok answers a document, /x/_doc/slow never answers, /x/_doc/{401,503} those statuses. */
  private void answer(HttpServerRequest req) {
    seen.put("auth", String.valueOf(req.getHeader("Authorization")));
    seen.put("path", req.path());
    switch (req.path()) {
      case "/x/_doc/ok" -> req.response().putHeader("Content-Type", "application/json")
          .end("{\"_index\":\"x\",\"_id\":\"ok\",\"found\":true,\"_source\":{\"a\":1}}");
      case "/x/_doc/slow" -> { } // never answers
      case "/", "/x/_doc/401" -> req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
          .end("{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user [elastic]\"}],"
              + "\"type\":\"security_exception\",\"reason\":\"unable to authenticate user [elastic]\"},\"status\":401}");
      case "/x/_doc/503" -> req.response().setStatusCode(503).end("{\"error\":\"cluster_block_exception\",\"status\":503}");
      default -> req.response().setStatusCode(404).end("{\"found\":false}");
    }
  }

  /** A reader with other settings, closed after all tests. */
  private ElasticsearchSideReader readerFor(List<String> hosts, String user, String password, String apiKey, int timeoutMs) {
    ElasticsearchSideReader other = new ElasticsearchSideReader(vertx, dataSource(hosts, user, password, apiKey, timeoutMs));
    made.add(other);
    return other;
  }

  @AfterAll
  void dropIndexAndFake() throws Exception {
    if (reader != null) Await.result(reader.close());
    made.forEach(other -> Await.result(other.close()));
    if (fake != null) Await.result(fake.close());
    if (index != null) index.close();
  }

  @Override
  protected SideReader reader() {
    return reader;
  }

  @Override
  protected SideReader unreachableReader() {
    return new ElasticsearchSideReader(vertx, dataSource(List.of("http://127.0.0.1:1"), null, null, null, 2000));
  }

  @Override
  protected SideSpec spec() {
    return byId("#{id}", List.of());
  }

  @Override
  protected Object foundId() {
    return 1;
  }

  @Override
  protected Object missingId() {
    return 404;
  }

  private SideSpec byId(String id, List<String> fields) {
    return new SideSpec("ds-es", null, null, fields, null, null, null, null, null, null, index.name, id, null, null, null);
  }

  private SideSpec byQuery(String queryJson, List<String> fields) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> query = Json.MAPPER.readValue(queryJson, Map.class);
    return new SideSpec("ds-es", null, null, fields, null, null, null, null, null, null, index.name, null, query, null, null);
  }

  /** The JSON body a query read sent, from its SideRead.query ("POST /index/_search {...}"). */
  private static Map<?, ?> sentBody(SideRead read) throws Exception {
    return Json.MAPPER.readValue(read.query().substring(read.query().indexOf('{')), Map.class);
  }

  @Test
  void byIdReadsTheSourceFilteredToTheFieldsAsJsonValues() {
    SideRead read = read(reader, byId("#{id}", List.of("sku", "price", "ship.city")), Map.of("id", 1));
    assertNull(read.error());
    // a filtered _source is written anew by the server: 12.50 comes back as 12.5 (the whole _source keeps its text)
    assertEquals(Map.of("sku", "A-1", "price", new BigDecimal("12.5"), "ship", Map.of("city", "Oslo")), read.values());
    assertEquals("GET /" + index.name + "/_doc/1?_source_includes=sku,price,ship.city", read.query());
    assertEquals(List.of(1), read.params());
  }

  @Test
  void byIdWithoutFieldsReadsTheWholeSource() {
    SideRead read = read(reader, byId("#{id}", List.of()), Map.of("id", "1"));
    assertEquals(Map.of("sku", "A-1", "qty", 3, "price", new BigDecimal("12.50"), "status", "paid", "ship", Map.of("city", "Oslo")),
        read.values());
  }

  @Test
  void theIdIsOnePathSegment() {
    SideRead read = read(reader, byId("#{id}", List.of()), Map.of("id", "a b/c"));
    assertTrue(read.found(), String.valueOf(read.error()));
    assertEquals("GET /" + index.name + "/_doc/a%20b%2Fc", read.query());
    SideRead escape = read(reader, byId("#{id}", List.of()), Map.of("id", "../" + index.name + "/_doc/1"));
    assertNull(escape.error());
    assertFalse(escape.found());
  }

  @Test
  void aMissingIndexIsAMissingDocumentById() {
    SideSpec spec = new SideSpec("ds-es", null, null, null, null, null, null, null, null, null,
        index.name + "-none", "#{id}", null, null, null);
    SideRead read = read(reader, spec, Map.of("id", 1));
    assertNull(read.error());
    assertFalse(read.found());
  }

  @Test
  void byQueryAWholePlaceholderBindsANumberAsANumber() throws Exception {
    SideRead read = read(reader, byQuery("{\"term\": {\"qty\": \"#{qty}\"}}", List.of("sku")), Map.of("qty", 3));
    assertNull(read.error());
    assertEquals(Map.of("sku", "A-1"), read.values());
    assertEquals(Map.of("query", Map.of("term", Map.of("qty", 3)), "size", 2, "_source", List.of("sku")), sentBody(read));
    assertTrue(read.query().startsWith("POST /" + index.name + "/_search {"), read.query());
    assertEquals(List.of(3), read.params());
  }

  @Test
  void byQueryStringsAreBoundWholeOrInsideText() throws Exception {
    SideSpec spec = byQuery("{\"bool\": {\"filter\": [{\"term\": {\"status\": \"#{status}\"}}, {\"term\": {\"sku\": \"A-#{n}\"}}]}}",
        List.of());
    SideRead read = read(reader, spec, Map.of("status", "paid", "n", 1));
    assertNull(read.error());
    assertEquals("A-1", read.values().get("sku"));
    assertEquals(List.of("paid", 1), read.params());
    assertEquals(Map.of("bool", Map.of("filter", List.of(Map.of("term", Map.of("status", "paid")), Map.of("term", Map.of("sku", "A-1"))))),
        sentBody(read).get("query"));
  }

  @Test
  void byQueryNoHitIsMissingAndTwoHitsFailTheSide() throws Exception {
    SideSpec spec = byQuery("{\"term\": {\"qty\": \"#{qty}\"}}", List.of());
    SideRead none = read(reader, spec, Map.of("qty", 99));
    assertNull(none.error());
    assertFalse(none.found());
    SideRead two = read(reader, spec, Map.of("qty", 7));
    assertTrue(two.failed());
    assertEquals("query matched more than one document", two.error());
  }

  @Test
  void aHostileValueStaysAValue() throws Exception {
    String hostile = "x\"}},{\"match_all\":{}";
    SideSpec whole = byQuery("{\"term\": {\"sku\": \"#{sku}\"}}", List.of());
    SideRead read = read(reader, whole, Map.of("sku", hostile));
    assertNull(read.error()); // match_all would have matched four documents and failed the side
    assertFalse(read.found());
    assertEquals(Map.of("term", Map.of("sku", hostile)), sentBody(read).get("query"));
    SideRead inText = read(reader, byQuery("{\"term\": {\"sku\": \"A-#{sku}\"}}", List.of()), Map.of("sku", hostile));
    assertNull(inText.error());
    assertEquals(Map.of("term", Map.of("sku", "A-" + hostile)), sentBody(inText).get("query"));
  }

  @Test
  void aQueryOnAMissingIndexFailsTheSideWithTheReason() throws Exception {
    SideSpec spec = new SideSpec("ds-es", null, null, null, null, null, null, null, null, null,
        index.name + "-none", null, Map.of("term", Map.of("qty", "#{qty}")), null, null);
    SideRead read = read(reader, spec, Map.of("qty", 3));
    assertTrue(read.error().startsWith("HTTP 404 from POST /" + index.name + "-none/_search: index_not_found_exception"), read.error());
  }

  @Test
  void theSecondHostIsUsedWhenTheFirstIsDown() {
    ElasticsearchSideReader twoHosts = readerFor(List.of("http://127.0.0.1:1", SearchIndex.URL + "/"), null, null, null, 3000);
    SideRead read = read(twoHosts, byId("#{id}", List.of("sku")), Map.of("id", 1));
    assertNull(read.error());
    assertEquals(Map.of("sku", "A-1"), read.values());
    Await.result(twoHosts.test());
  }

  @Test
  void noHostAnsweringFailsTheSideNamingEach() {
    ElasticsearchSideReader down = readerFor(List.of("http://127.0.0.1:1", "http://127.0.0.1:2"), null, null, null, 3000);
    SideRead read = read(down, byId("#{id}", List.of()), Map.of("id", 1));
    assertEquals("no host answered: connection refused http://127.0.0.1:1; connection refused http://127.0.0.1:2", read.error());
  }

  @Test
  void aSlowAnswerTimesOut() {
    ElasticsearchSideReader impatient = readerFor(List.of(fakeUrl), null, null, null, 300);
    SideRead read = read(impatient, FAKE_SPEC, Map.of("id", "slow"));
    assertTrue(read.error().startsWith("timed out after 300 ms"), read.error());
    assertTrue(read.tookMs() < 2000, "took " + read.tookMs());
  }

  @Test
  void basicAuthAndApiKeyAreSentAndNeverShown() {
    ElasticsearchSideReader basic = readerFor(List.of(fakeUrl), "elastic", "s3cret", null, 2000);
    ElasticsearchSideReader apiKey = readerFor(List.of(fakeUrl), null, null, "a2V5OnNlY3JldA==", 2000);
    assertEquals(Map.of("a", 1), read(basic, FAKE_SPEC, Map.of("id", "ok")).values());
    assertEquals("Basic ZWxhc3RpYzpzM2NyZXQ=", seen.get("auth"));
    assertEquals(Map.of("a", 1), read(apiKey, FAKE_SPEC, Map.of("id", "ok")).values());
    assertEquals("ApiKey a2V5OnNlY3JldA==", seen.get("auth"));

    SideRead refused = read(basic, FAKE_SPEC, Map.of("id", 401));
    assertEquals("HTTP 401 from GET /x/_doc/401: security_exception: unable to authenticate user [elastic]", refused.error());
    String testFailure = Await.failure(apiKey.test()).getMessage();
    assertEquals("HTTP 401 from GET " + fakeUrl + "/: security_exception: unable to authenticate user [elastic]", testFailure);
    SideRead unavailable = read(apiKey, FAKE_SPEC, Map.of("id", 503));
    assertEquals("HTTP 503 from GET /x/_doc/503: cluster_block_exception", unavailable.error());
    for (SideRead r : List.of(refused, unavailable)) {
      assertFalse((r.error() + r.query() + r.params()).contains("s3cret"));
      assertFalse((r.error() + r.query() + r.params()).contains("a2V5OnNlY3JldA"));
    }
    assertFalse(testFailure.contains("a2V5OnNlY3JldA"));
  }

  @Test
  void noAuthorizationHeaderWithoutCredentials() {
    assertTrue(read(readerFor(List.of(fakeUrl), null, null, null, 2000), FAKE_SPEC, Map.of("id", "ok")).found());
    assertEquals("null", seen.get("auth"));
  }

  /** A document larger than outbound.maxResponseBytes fails the side instead of being read whole. */
  @Test
  void anAnswerLargerThanTheOutboundBoundFailsTheSide() throws Exception {
    index.put("big", "{\"sku\":\"" + "x".repeat(8192) + "\"}");
    ElasticsearchSideReader bounded = new ElasticsearchSideReader(vertx, dataSource(List.of(SearchIndex.URL), null, null, null,
        5000), dev.tally.net.OutboundPolicy.parse("", 4096));
    made.add(bounded);
    SideRead big = read(bounded, byId("#{id}", List.of()), Map.of("id", "big"));
    assertFalse(big.found());
    assertTrue(String.valueOf(big.error()).contains("larger than outbound.maxResponseBytes"), String.valueOf(big.error()));
    // a small document through the same reader is still read
    assertTrue(read(bounded, byId("#{id}", List.of()), Map.of("id", 1)).found());
  }

  /** A host the outbound policy does not list is refused before any connection. */
  @Test
  void aHostOutsideTheOutboundPolicyIsRefused() {
    ElasticsearchSideReader fenced = new ElasticsearchSideReader(vertx, dataSource(List.of(SearchIndex.URL), null, null, null,
        5000), dev.tally.net.OutboundPolicy.parse("search.example.com", 4096));
    made.add(fenced);
    SideRead refused = read(fenced, byId("#{id}", List.of()), Map.of("id", 1));
    assertTrue(String.valueOf(refused.error()).contains("outbound request refused"), String.valueOf(refused.error()));
  }
}
