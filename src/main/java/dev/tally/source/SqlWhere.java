package dev.tally.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WHERE template turned into prepared-statement text: each {@code #{var}} becomes a {@code ?}, and the
 * column it is compared with (if any) is noted so the value can be checked against that column's type.
 * The fixed text is configuration, but it is still kept to one expression: no statement separators,
 * comments, back-quotes or stray parameters, balanced parentheses and quotes.
 */
public final class SqlWhere {
  private static final List<String> FORBIDDEN = List.of(";", "--", "/*", "#", "`", "?");
  private static final String IDENT = "(?:[A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*";
  private static final String OP = "(?:<=>|<=|>=|<>|!=|=|<|>|(?:NOT\\s+)?LIKE\\b)";
  private static final Pattern COLUMN_BEFORE = Pattern.compile(
      "(?<![A-Za-z0-9_$.'\"])(" + IDENT + ")\\s*" + OP + "\\s*$", Pattern.CASE_INSENSITIVE);
  private static final Pattern COLUMN_AFTER = Pattern.compile(
      "^\\s*" + OP + "\\s*(" + IDENT + ")(?![A-Za-z0-9_$.(])", Pattern.CASE_INSENSITIVE);
  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "xor", "not", "is", "null", "in", "like", "between", "true", "false", "binary");

  /** One {@code ?}: the event variable bound to it and the column it is compared with (null if none). */
  public record Param(String variable, String column) {
  }

  /** The WHERE text is not one safe expression. */
  public static final class InvalidWhereException extends IllegalArgumentException {
    public InvalidWhereException(String message) {
      super(message);
    }
  }

  private final String sql;
  private final List<Param> params;

  private SqlWhere(String sql, List<Param> params) {
    this.sql = sql;
    this.params = List.copyOf(params);
  }

  /** The WHERE expression with {@code ?} in place of every placeholder. */
  public String sql() {
    return sql;
  }

  /**
   * The WHERE expression with the n-th placeholder (1-based) written as {@code placeholder.apply(n)}, e.g.
   * {@code $1} for PostgreSQL. The fixed text holds no {@code ?} (refused by {@link #parse}), so every
   * {@code ?} in {@link #sql()} is a placeholder.
   */
  public String sql(IntFunction<String> placeholder) {
    StringBuilder out = new StringBuilder(sql.length() + 8);
    int n = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (c == '?') {
        out.append(placeholder.apply(++n));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  public List<Param> params() {
    return params;
  }

  public static SqlWhere parse(String where) {
    return parse(where, List.of());
  }

  /** Like {@link #parse(String)}, also refusing {@code alsoForbidden} (a dialect's own syntax) outside {@code #{...}}. */
  public static SqlWhere parse(String where, List<String> alsoForbidden) {
    if (where == null || where.isBlank()) throw new InvalidWhereException("is empty");
    List<Template.Part> parts = Template.parse(where).parts();
    QuoteScanner scanner = new QuoteScanner();
    StringBuilder sql = new StringBuilder();
    List<Param> params = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      Template.Part part = parts.get(i);
      if (part.var() == null) {
        checkLiteral(part.literal(), FORBIDDEN);
        checkLiteral(part.literal(), alsoForbidden);
        scanner.scan(part.literal());
        sql.append(part.literal());
      } else {
        if (scanner.inQuote()) {
          throw new InvalidWhereException("#{" + part.var() + "} is inside quotes; write it without quotes,"
              + " it is bound as a parameter");
        }
        params.add(new Param(part.var(), comparedColumn(parts, i)));
        sql.append('?');
      }
    }
    if (scanner.inQuote()) throw new InvalidWhereException("has an unterminated quoted string");
    if (scanner.depth() != 0) throw new InvalidWhereException("has unbalanced parentheses");
    return new SqlWhere(sql.toString(), params);
  }

  private static void checkLiteral(String text, List<String> forbidden) {
    for (String bad : forbidden) {
      if (text.contains(bad)) throw new InvalidWhereException("must not contain '" + bad + "' outside #{...}");
    }
  }

  /** The column in {@code column <op> #{var}} or {@code #{var} <op> column}, or null. */
  private static String comparedColumn(List<Template.Part> parts, int index) {
    if (index > 0 && parts.get(index - 1).var() == null) {
      Matcher m = COLUMN_BEFORE.matcher(parts.get(index - 1).literal());
      if (m.find() && !isKeyword(m.group(1))) return unqualified(m.group(1));
    }
    if (index + 1 < parts.size() && parts.get(index + 1).var() == null) {
      Matcher m = COLUMN_AFTER.matcher(parts.get(index + 1).literal());
      if (m.find() && !isKeyword(m.group(1))) return unqualified(m.group(1));
    }
    return null;
  }

  private static boolean isKeyword(String word) {
    return KEYWORDS.contains(word.toLowerCase(Locale.ROOT));
  }

  private static String unqualified(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Tracks string literals ('..' and "..", with backslash and doubled-quote escapes) and parenthesis depth. */
  private static final class QuoteScanner {
    private char quote;
    private boolean escaped;
    private int depth;

    void scan(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quote != 0) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == quote) {
            quote = 0; // a doubled quote closes and reopens: same outcome
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          if (--depth < 0) throw new InvalidWhereException("has unbalanced parentheses");
        }
      }
    }

    boolean inQuote() {
      return quote != 0;
    }

    int depth() {
      return depth;
    }
  }
}
