package dev.tally.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlWhereTest {
  @Test
  void placeholdersBecomeParametersWithTheirComparedColumn() {
    SqlWhere where = SqlWhere.parse("id = #{id} AND #{shop} <> shop_id AND t.day >= #{from}");
    assertEquals("id = ? AND ? <> shop_id AND t.day >= ?", where.sql());
    assertEquals(List.of(
        new SqlWhere.Param("id", "id"),
        new SqlWhere.Param("shop", "shop_id"),
        new SqlWhere.Param("from", "day")), where.params());
  }

  @Test
  void recognisesEveryComparisonOperator() {
    for (String op : List.of("=", "<>", "!=", "<", ">", "<=", ">=", "<=>", "LIKE", "like", "NOT LIKE")) {
      SqlWhere where = SqlWhere.parse("name " + op + " #{n}");
      assertEquals("name", where.params().get(0).column(), op);
    }
  }

  @Test
  void placeholderWithoutAPlainColumnHasNone() {
    SqlWhere where = SqlWhere.parse("LOWER(code) = #{code} AND #{x} = LOWER(name) AND id IN (#{a}, #{b})");
    assertEquals(4, where.params().size());
    where.params().forEach(p -> assertEquals(null, p.column(), p.variable()));
  }

  @Test
  void keywordsAreNotColumns() {
    SqlWhere where = SqlWhere.parse("a = 1 AND NOT = #{x}");
    assertEquals(null, where.params().get(0).column());
  }

  @Test
  void quotedLiteralsAndNestedVariablesAreFine() {
    SqlWhere where = SqlWhere.parse("status = 'it''s (open)' AND id = #{order.id}");
    assertEquals("status = 'it''s (open)' AND id = ?", where.sql());
    assertEquals(new SqlWhere.Param("order.id", "id"), where.params().get(0));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "id = #{id}; DROP TABLE t", "id = #{id} -- x", "id = #{id} /* x */", "id = #{id} # x",
      "`id` = #{id}", "id = ?", "id = #{ bad-name }"})
  void rejectsSeparatorsCommentsBackquotesAndStrayParameters(String text) {
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(text));
  }

  @Test
  void rejectsAPlaceholderInsideQuotes() {
    var e = assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse("code = '#{code}'"));
    assertTrue(e.getMessage().contains("#{code} is inside quotes"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "id = 'open", "(id = #{id}", "id = #{id})", "id = #{id}) OR (1 = 1"})
  void rejectsEmptyUnterminatedOrUnbalanced(String text) {
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse(text));
  }

  @Test
  void placeholdersCanBeNumberedForPostgres() {
    SqlWhere where = SqlWhere.parse("a = #{x} AND (b = #{y} OR c = 'lit')", List.of("$"));
    assertEquals("a = $1 AND (b = $2 OR c = 'lit')", where.sql(n -> "$" + n));
    assertEquals("a = ? AND (b = ? OR c = 'lit')", where.sql());
  }

  @Test
  void aDialectMayForbidMoreText() {
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse("a = $1", List.of("$")));
    assertThrows(SqlWhere.InvalidWhereException.class, () -> SqlWhere.parse("a = $$x$$ AND b = #{b}", List.of("$")));
    assertEquals(1, SqlWhere.parse("a = $1 AND b = #{b}").params().size(), "MySQL has no $ parameters");
  }
}
