package dev.tally.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tally.model.DataSource;
import dev.tally.model.DataSourceKind;
import dev.tally.model.ValidationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataSourceValidationTest {
  private static DataSource es(List<String> hosts, String user, String password, String apiKey) {
    return new DataSource("ds", "search", DataSourceKind.ELASTICSEARCH, null, null, null, user, password, null,
        null, null, null, null, hosts, apiKey, null, null, null, null, null, 0L, 0L);
  }

  private static ValidationException refused(DataSource ds) {
    return assertThrows(ValidationException.class, () -> DataSourceRoutes.validate(ds));
  }

  @Test
  void acceptsElasticsearchWithHostsAndOneKindOfCredentials() {
    assertDoesNotThrow(() -> DataSourceRoutes.validate(es(List.of("http://127.0.0.1:9200"), null, null, null)));
    assertDoesNotThrow(() -> DataSourceRoutes.validate(es(List.of("https://a:9200/", "https://b:9200"), "elastic", "pw", null)));
    assertDoesNotThrow(() -> DataSourceRoutes.validate(es(List.of("https://es.example.com/prefix"), null, null, "a2V5")));
  }

  @Test
  void elasticsearchErrorsNameTheField() {
    assertEquals("hosts", refused(es(List.of(), null, null, null)).field());
    assertEquals("hosts[1]", refused(es(List.of("http://a:9200", "a:9200"), null, null, null)).field());
    assertEquals("hosts[0]", refused(es(List.of("ftp://a"), null, null, null)).field());
    assertEquals("hosts[0]", refused(es(List.of(" "), null, null, null)).field());
    ValidationException withCredentials = refused(es(List.of("http://elastic:s3cret@a:9200"), null, null, null));
    assertEquals("hosts[0]", withCredentials.field());
    assertFalse((withCredentials.getMessage() + withCredentials.detail()).contains("s3cret"));
    ValidationException both = refused(es(List.of("http://a:9200"), "elastic", "s3cret", "a2V5"));
    assertEquals("apiKey", both.field());
    assertFalse((both.getMessage() + both.detail()).contains("a2V5"));
    assertEquals("user", refused(es(List.of("http://a:9200"), null, "s3cret", null)).field());
  }
}
