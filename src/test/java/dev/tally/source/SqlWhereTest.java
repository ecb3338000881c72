package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlWhereTest {
  @Test
  void placeholdersBecomeParametersWithTheirComparedColumn() {
    SqlWhere where = SqlWhere.parse("id = #{id} AND #{shop} <> shop_id AND day >= #{from}");
    assertEquals("id = ? AND ? <> shop_id AND day >= ?", where.sql());
    assertEquals(List.of(
        new SqlWhere.Param("id", "id"),
        new SqlWhere.Param("shop", "shop_id"),
        new SqlWhere.Param("from", "day")), where.params());
    assertEquals(List.of("id", "shop_id", "day"), where.columns());
  }

  @Test
  void recognisesEveryComparisonOperator() {
    for (String op : List.of("=", "<>", "!=", "<", ">", "<=", ">=", "LIKE", "like", "NOT LIKE")) {
      SqlWhere where = SqlWhere.parse("name " + op + " #{n}");
      assertEquals("name", where.params().get(0).column(), op);
    }
  }

  @Test
  void inAndBetweenBindEveryValueToTheColumn() {
    SqlWhere where = SqlWhere.parse("id in (#{a}, #{b}, 3) and day not between #{from} and #{to}");
    assertEquals("id IN (?, ?, 3) AND day NOT BETWEEN ? AND ?", where.sql());
    assertEquals(List.of(new SqlWhere.Param("a", "id"), new SqlWhere.Param("b", "id"),
        new SqlWhere.Param("from", "day"), new SqlWhere.Param("to", "day")), where.params());
  }

  @Test
  void placeholderWithoutAPlainColumnHasNone() {
    SqlWhere where = SqlWhere.parse("LOWER(code) = #{code} AND #{x} = lower(name) AND #{a} = #{b}");
    assertEquals(4, where.params().size());
    where.params().forEach(p -> assertEquals(null, p.column(), p.variable()));
    assertEquals(List.of("code", "name"), where.columns());
    assertEquals("LOWER(code) = ? AND ? = LOWER(name) AND ? = ?", where.sql());
  }

  @Test
  void quotedLiteralsAndNestedVariablesAreFine() {
    SqlWhere where = SqlWhere.parse("status = 'it''s (open); -- /* x */ #' AND id = #{order.id}");
    assertEquals("status = 'it''s (open); -- /* x */ #' AND id = ?", where.sql());
    assertEquals(new SqlWhere.Param("order.id", "id"), where.params().get(0));
  }

  /** The output is the parser's: canonical spacing and keywords, names and placeholders written by the dialect. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "id = #{id}|`id` = ?|\"id\" = $1",
      "  id=#{id}   and(a<>1 or b is not null)|`id` = ? AND (`a` <> 1 OR `b` IS NOT NULL)|\"id\" = $1 AND (\"a\" <> 1 OR \"b\" IS NOT NULL)",
      "`id` = #{id} AND \"shop\" = #{s}|`id` = ? AND `shop` = ?|\"id\" = $1 AND \"shop\" = $2",
      "not (a = -1.5) and b like 'x%'|NOT (`a` = -1.5) AND `b` LIKE 'x%'|NOT (\"a\" = -1.5) AND \"b\" LIKE 'x%'",
      "coalesce(a, #{d}, 0) in (#{x}) or trim(c) = upper(#{y})|COALESCE(`a`, ?, 0) IN (?) OR TRIM(`c`) = UPPER(?)|COALESCE(\"a\", $1, 0) IN ($2) OR TRIM(\"c\") = UPPER($3)",
      "flag = true and gone is null|`flag` = TRUE AND `gone` IS NULL|\"flag\" = TRUE AND \"gone\" IS NULL",
  })
  void writesTheDialectsSql(String template, String mysql, String postgres) {
    SqlWhere where = SqlWhere.parse(template);
    assertEquals(mysql, where.sql(SqlNames::quote, MySqlDialect.INSTANCE::placeholder));
    assertEquals(postgres, where.sql(PostgresDialect.INSTANCE::quote, PostgresDialect.INSTANCE::placeholder));
    String again = where.sql(name -> name, n -> "#{p" + n + "}");
    assertEquals(again, SqlWhere.parse(again).sql(name -> name, n -> "#{p" + n + "}"), "the output parses to itself");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "id = #{id}", "id = 1", "id <> 'x'", "id != #{a}", "a < 1 AND b > 2 AND c <= 3 AND d >= 4",
      "a = 1 OR b = 2 OR c = 3", "((a = 1))", "NOT a = 1", "NOT NOT a = 1", "a IS NULL", "a IS NOT NULL",
      "a IN (1)", "a IN (1, 2, 3)", "a NOT IN ('x', 'y')", "a BETWEEN 1 AND 2", "a NOT BETWEEN #{x} AND #{y}",
      "a LIKE 'x%'", "a NOT LIKE #{p}", "LOWER(a) = 'x'", "UPPER(a) = UPPER(#{b})", "TRIM(a) = ''",
      "COALESCE(a, b, 0) = 1", "ABS(a) > 1", "CHAR_LENGTH(a) < 10", "DATE(created_at) = #{day}",
      "a = .5", "a = 10.25", "a = -3", "a = TRUE", "a = FALSE", "a = NULL", "#{x} = a", "'x' = a",
      "a$b = 1", "_a = 1", "A1 = 1", "`a` = 1", "\"a\" = 1", "a = 'é ü 漢字'", "a = ''''",
      "(a = 1 AND (b = 2 OR (c = 3 AND NOT d IS NULL)))", "id = #{ id }", "id = #{order.line.id}",
      "date = #{d}", "status = 'select * from users'", "a = 'x -- y'", "a = 'x; drop table t'"})
  void accepts(String text) {
    SqlWhere where = SqlWhere.parse(text);
    assertFalse(where.sql().isBlank());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "id = #{id}; DROP TABLE t|';' is not allowed|10",
      "id = #{id} -- x|comment|11",
      "id = #{id} /* x */|comment|11",
      "id = #{id} # x|'#' outside|11",
      "id = ?|'?' is not allowed|5",
      "id = $1|'$' is not allowed|5",
      "a = $$x$$|'$' is not allowed|4",
      "id = @x|variables are not allowed|5",
      "id = @@version|variables are not allowed|5",
      "id = #{ bad-name }|not a placeholder|5",
      "code = '#{code}'|inside quotes|7",
      "id = 'open|not terminated|5",
      "a = 'x\\' OR 1=1|backslash|6",
      "(id = #{id}|expected ')'|11",
      "id = #{id})|')' has no matching '('|10",
      "id = #{id}) OR (1 = 1|')' has no matching '('|10",
      "id = SLEEP(5)|function 'SLEEP' is not allowed|5",
      "id = (SELECT 1)|sub-query|6",
      "id IN (SELECT id FROM t)|sub-query|7",
      "(SELECT 1) = 1|sub-query|1",
      "id = 1 UNION SELECT 1|expected AND, OR or the end, found 'UNION'|7",
      "id = 1 INTO OUTFILE '/tmp/x'|found 'INTO'|7",
      "EXISTS (SELECT 1)|function 'EXISTS' is not allowed|0",
      "t.id = 1|qualified name|0",
      "`a b` = 1|`a b` is not a column name|0",
      "id|expected a comparison|2",
      "id = |expected a column, a value or #{name}, found end of text|4",
      "a = 1 AND|found end of text|9",
      "a = b::text|casts are not allowed|5",
      "a = 1 + 1|it has no place|6",
      "a = 1 * 2|it has no place|6",
      "a = 1 / 2|arithmetic|6",
      "a <=> 1|'<=>' is not allowed|2",
      "a = 1 << 2|bit shifts|6",
      "a = 0x41|not a number|4",
      "a = 1e5|not a number|4",
      "a IS 1|expected NULL after IS, found '1'|5",
      "a NOT = 1|expected IN, BETWEEN or LIKE after NOT|6",
      "a BETWEEN 1 OR 2|expected AND in BETWEEN|12",
      "a IN 1|expected '(' after IN|5",
      "LOWER(a, b) = 1|takes one argument|0",
      "a = CAST(b AS int)|function 'CAST' is not allowed|4",
      "a = select|'select' is not allowed here|4",
      "a = 1 XOR b = 2|found 'XOR'|6",
      "a REGEXP 'x'|found 'REGEXP'|2",
      "a = (1)|parentheses group conditions|4",
      "a = 1 LIMIT 1|found 'LIMIT'|6",
      "a = 1 ORDER BY a|found 'ORDER'|6",
      "a = 1 FOR UPDATE|found 'FOR'|6",
      "a = BENCHMARK(1000000, MD5('x'))|function 'BENCHMARK' is not allowed|4",
      "a = pg_sleep(1)|function 'pg_sleep' is not allowed|4",
      "a = 1 AND pg_read_file('/etc/passwd') = ''|function 'pg_read_file' is not allowed|10",
      "a = LOAD_FILE('/etc/passwd')|function 'LOAD_FILE' is not allowed|4",
      "a = 1 OR 1 = 1 -- '|comment|15",
      "a = E'x'|found string 'x'|5",
      "a = N'x'|found string 'x'|5",
  })
  void refusesSayingWhatAndWhere(String text, String what, int offset) {
    var e = assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(text));
    assertTrue(e.getMessage().contains(what), e.getMessage());
    if (offset >= 0) assertEquals(offset, e.offset(), e.getMessage());
  }

  @Test
  void aDoubleQuotedWordIsAColumnNotAString() {
    // refused later, at read time, as an unknown column; never read as a string or spliced in
    assertEquals(List.of("open", "status"), SqlWhere.parse("\"open\" = status").columns());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void rejectsEmpty(String text) {
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(text));
  }

  @Test
  void refusesDeepNestingAndHugeText() {
    String deep = "(".repeat(100) + "a = 1" + ")".repeat(100);
    assertTrue(assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(deep)).getMessage().contains("nested"));
    String nots = "NOT ".repeat(100) + "a = 1";
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(nots));
    String calls = "LOWER(".repeat(100) + "a" + ")".repeat(100) + " = 1";
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(calls));
    String huge = "a = 1" + " OR a = 1".repeat(2000);
    assertTrue(assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(huge)).getMessage().contains("longer"));
  }

  /** Classic injection payloads appended to or placed in a template: every one is refused by the parser. */
  @TestFactory
  Stream<DynamicTest> refusesGeneratedInjections() {
    List<String> payloads = List.of(
        "; DROP TABLE orders", "; DELETE FROM orders", "; UPDATE orders SET a = 1", "; INSERT INTO t VALUES (1)",
        " -- ", " #", " /*", " UNION SELECT password FROM users", " UNION ALL SELECT 1,2,3",
        " OR SLEEP(5)", " AND SLEEP(5)", " OR BENCHMARK(10000000, SHA1('x'))", " OR pg_sleep(5) IS NULL",
        " AND (SELECT COUNT(*) FROM users) > 0", " AND EXISTS (SELECT 1)", " INTO OUTFILE '/tmp/x'",
        " OR @@version = 1", " OR @x := 1", " OR $1 = 1", " OR ? = 1", " OR a = b::text", " LIMIT 1",
        " ORDER BY 1", " GROUP BY a", " HAVING 1 = 1", " PROCEDURE ANALYSE()", " FOR UPDATE",
        " OR LOAD_FILE('/etc/passwd') IS NULL", " OR CHAR(65) = 'A'", " OR 1 = 1; SELECT 1",
        "'; DROP TABLE t; --", "') OR ('1' = '1", "\\'; DROP TABLE t", " OR id = 0x41",
        " OR a = 1 + 1", " OR a | 1 = 1", " OR a & 1 = 1", " OR ~a = 1", " OR a ^ 1 = 1", " OR a REGEXP '.*'",
        " OR a SOUNDS LIKE 'x'", " COLLATE utf8_bin", " OR a = CONVERT(b USING latin1)", " OR a = x'41'",
        " OR a = b'1'", " OR a = _utf8'x'", " OR a = {fn NOW()}", " OR a = `b c`", " OR a = [b]",
        " OR a = 1e3", " OR a = NOW()", " OR a = CURRENT_USER()", " OR a = USER()", " OR a = version()",
        " OR a = current_setting('x')", " OR a = lo_import('/etc/passwd')", " OR a = dblink('x')",
        "); DROP TABLE t; --", " OR (SELECT 1) = 1", " OR a IN (SELECT b FROM c)", " WHERE 1 = 1",
        " AND a = 1\u0000", " AND a = 1 \\g", " OR a = 1 !", " OR a = :x", " OR a = %s", " OR a = ${x}");
    List<String> templates = List.of("id = #{id}%s", "id = 1%s", "status = 'x'%s", "(a = #{a})%s");
    List<DynamicTest> tests = new ArrayList<>();
    for (String template : templates) {
      for (String payload : payloads) {
        String text = template.formatted(payload);
        tests.add(DynamicTest.dynamicTest(text, () -> {
          var e = assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(text));
          assertTrue(e.getMessage().contains("offset") || e.getMessage().contains("longer"), e.getMessage());
        }));
      }
    }
    return tests.stream();
  }

  /** Whatever a string literal holds, the output keeps it one literal: re-parsing gives the same text. */
  @TestFactory
  Stream<DynamicTest> stringLiteralsStayLiterals() {
    List<String> contents = List.of("' OR '1' = '1", "x'; DROP TABLE t; --", "#{id}", "/* */", "--", "?", "$1",
        "@x", "`", "\"", "SLEEP(5)", "''", "a\nb", "\t", "漢字", ")", "(", ";");
    return contents.stream().filter(c -> !c.contains("#{")).map(content -> DynamicTest.dynamicTest("[" + content + "]", () -> {
      String literal = "'" + content.replace("'", "''") + "'";
      SqlWhere where = SqlWhere.parse("a = " + literal);
      assertEquals("a = " + literal, where.sql());
      assertEquals(List.of("a"), where.columns());
      assertTrue(where.params().isEmpty());
    }));
  }
}
