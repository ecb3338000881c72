package dev.tally.source;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * A WHERE template parsed into one boolean condition over the table's columns and {@code #{var}} parameters, and
 * written back out as SQL: the text a database runs is this class's output, never the configured string.
 *
 * <p>Accepted: comparisons ({@code = <> != < <= > >=}), {@code AND}, {@code OR}, {@code NOT}, parentheses,
 * {@code IS [NOT] NULL}, {@code [NOT] IN (...)}, {@code [NOT] BETWEEN .. AND ..}, {@code [NOT] LIKE}, numbers,
 * single-quoted strings (no backslash), {@code TRUE}, {@code FALSE}, {@code NULL}, column names (bare, or quoted
 * with back-quotes or double quotes: both are names, in either dialect) and calls of {@link #FUNCTIONS}. Anything
 * else (a second statement, comments, sub-queries, other functions, variables, {@code ?} or {@code $n}, casts) is
 * an {@link InvalidWhereException} saying what and at which character offset.
 *
 * <p>Each placeholder becomes a bound parameter; the column it is compared with (in {@code col op #{v}},
 * {@code #{v} op col}, {@code col [NOT] IN (#{a}, ...)}, {@code col BETWEEN #{a} AND #{b}}, {@code col LIKE #{v}})
 * is noted so the value can be checked against that column's type.
 */
public final class SqlWhere {
  /** The functions a WHERE may call: one argument each, COALESCE one or more. */
  public static final Set<String> FUNCTIONS = Set.of("LOWER", "UPPER", "TRIM", "COALESCE", "ABS", "CHAR_LENGTH", "DATE");
  private static final int MAX_DEPTH = 32;
  private static final int MAX_LENGTH = 10_000;
  /** Words that are never a column name here: SQL that has no place in one condition. */
  private static final Set<String> RESERVED = Set.of(
      "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "TRUE", "FALSE", "SELECT", "UNION", "INTO", "FROM",
      "WHERE", "INSERT", "UPDATE", "DELETE", "DROP", "CREATE", "ALTER", "EXISTS", "CASE", "WHEN", "THEN", "ELSE",
      "END", "XOR", "ESCAPE", "AS", "CAST", "CONVERT", "COLLATE", "BINARY", "INTERVAL", "ALL", "ANY", "SOME",
      "REGEXP", "RLIKE", "SIMILAR", "ILIKE", "LIMIT", "OFFSET", "ORDER", "GROUP", "HAVING", "JOIN", "WITH", "VALUES",
      "TABLE", "GRANT", "LOCK", "FOR", "OUTFILE", "DUMPFILE", "PROCEDURE", "CALL", "EXEC", "EXECUTE", "DO", "HANDLER",
      "LOAD", "SHOW", "SET", "COPY", "PREPARE", "DECLARE", "BEGIN", "COMMIT", "ROLLBACK");

  /** One {@code ?}: the event variable bound to it and the column it is compared with (null if none). */
  public record Param(String variable, String column) {
  }

  /** The WHERE text is not one condition this parser accepts. */
  public static final class InvalidWhereException extends IllegalArgumentException {
    private final int offset;

    public InvalidWhereException(String message) {
      this(message, -1);
    }

    InvalidWhereException(String message, int offset) {
      super(offset < 0 ? message : message + " at offset " + offset);
      this.offset = offset;
    }

    /** The character offset (0-based) in the WHERE text, -1 if none. */
    public int offset() {
      return offset;
    }
  }

  /** A piece of the output: fixed SQL text, a column name, or the next placeholder. */
  private sealed interface Piece {
  }

  private record Text(String sql) implements Piece {
  }

  private record Column(String name) implements Piece {
  }

  private record Placeholder() implements Piece {
  }

  private final List<Piece> pieces;
  private final List<Param> params;
  private final List<String> columns;

  private SqlWhere(List<Piece> pieces, List<Param> params, List<String> columns) {
    this.pieces = List.copyOf(pieces);
    this.params = List.copyOf(params);
    this.columns = List.copyOf(columns);
  }

  /** The condition with bare column names and {@code ?} in place of every placeholder. */
  public String sql() {
    return sql(name -> name, n -> "?");
  }

  /** The condition with bare column names and the n-th placeholder (1-based) written as {@code placeholder.apply(n)}. */
  public String sql(IntFunction<String> placeholder) {
    return sql(name -> name, placeholder);
  }

  /** The condition with every column name written by {@code column} (e.g. quoted) and placeholders by {@code placeholder}. */
  public String sql(UnaryOperator<String> column, IntFunction<String> placeholder) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (Piece piece : pieces) {
      if (piece instanceof Text t) {
        out.append(t.sql());
      } else if (piece instanceof Column c) {
        out.append(column.apply(c.name()));
      } else {
        out.append(placeholder.apply(++n));
      }
    }
    return out.toString();
  }

  public List<Param> params() {
    return params;
  }

  /** Every column the condition names, in order of first use, as written. */
  public List<String> columns() {
    return columns;
  }

  public static SqlWhere parse(String where) {
    if (where == null || where.isBlank()) throw new InvalidWhereException("is empty");
    if (where.length() > MAX_LENGTH) throw new InvalidWhereException("is longer than " + MAX_LENGTH + " characters");
    return new Parser(new Lexer(where).tokens()).parse();
  }

  // ---------------------------------------------------------------- tokens

  private enum Kind { WORD, NAME, NUMBER, STRING, PARAM, OP, LPAREN, RPAREN, COMMA, MINUS, END }

  /** {@code text}: the word, name, number, string content, variable or operator. */
  private record Token(Kind kind, String text, int offset) {
    boolean isWord(String word) {
      return kind == Kind.WORD && text.equalsIgnoreCase(word);
    }

    String shown() {
      return switch (kind) {
        case END -> "end of text";
        case STRING -> "string '" + text + "'";
        case PARAM -> "#{" + text + "}";
        case NAME -> "name '" + text + "'";
        default -> "'" + text + "'";
      };
    }
  }

  private static final class Lexer {
    private final String s;
    private int i;
    private final List<Token> tokens = new ArrayList<>();

    Lexer(String s) {
      this.s = s;
    }

    List<Token> tokens() {
      while (true) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i >= s.length()) break;
        tokens.add(next());
      }
      tokens.add(new Token(Kind.END, "", s.length()));
      return tokens;
    }

    private Token next() {
      int at = i;
      char c = s.charAt(i);
      if (c == '#') return placeholder(at);
      if (c == '\'') return string(at);
      if (c == '`' || c == '"') return quotedName(at, c);
      if (isWordStart(c)) {
        while (i < s.length() && isWordPart(s.charAt(i))) i++;
        if (i < s.length() && s.charAt(i) == '.') {
          throw new InvalidWhereException("a qualified name ('" + s.substring(at, i) + ".') is not allowed: write the bare column name", at);
        }
        return new Token(Kind.WORD, s.substring(at, i), at);
      }
      if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) return number(at);
      i++;
      switch (c) {
        case '(' -> { return new Token(Kind.LPAREN, "(", at); }
        case ')' -> { return new Token(Kind.RPAREN, ")", at); }
        case ',' -> { return new Token(Kind.COMMA, ",", at); }
        case '=' -> { return new Token(Kind.OP, "=", at); }
        case '<', '>', '!' -> { return comparison(c, at); }
        case '-' -> {
          if (i < s.length() && s.charAt(i) == '-') throw new InvalidWhereException("a comment ('--') is not allowed", at);
          return new Token(Kind.MINUS, "-", at);
        }
        case '/' -> {
          if (i < s.length() && s.charAt(i) == '*') throw new InvalidWhereException("a comment ('/*') is not allowed", at);
          throw refused(c, at, "arithmetic is not allowed");
        }
        case ';' -> throw refused(c, at, "one condition only, no second statement");
        case '?' -> throw refused(c, at, "write #{name}: parameters are bound by Tally");
        case '$' -> throw refused(c, at, "write #{name}: parameters are bound by Tally, and there are no dollar-quoted strings");
        case '@' -> throw refused(c, at, "variables are not allowed");
        case ':' -> throw refused(c, at, "casts are not allowed");
        default -> throw refused(c, at, "it has no place in a condition");
      }
    }

    private static InvalidWhereException refused(char c, int at, String why) {
      return new InvalidWhereException("'" + c + "' is not allowed (" + why + ")", at);
    }

    private Token comparison(char c, int at) {
      char d = i < s.length() ? s.charAt(i) : 0;
      if (c == '<' && d == '=' && i + 1 < s.length() && s.charAt(i + 1) == '>') {
        throw new InvalidWhereException("'<=>' is not allowed (use IS NULL or =)", at);
      }
      if (d == '=' || (c == '<' && d == '>')) {
        i++;
        return new Token(Kind.OP, "" + c + d, at);
      }
      if (c == '!') throw refused(c, at, "write != or NOT");
      if (d == c) throw new InvalidWhereException("'" + c + c + "' is not allowed (bit shifts have no place in a condition)", at);
      return new Token(Kind.OP, "" + c, at);
    }

    private Token placeholder(int at) {
      if (i + 1 >= s.length() || s.charAt(i + 1) != '{') {
        throw new InvalidWhereException("'#' outside #{...} is not allowed (a comment in MySQL)", at);
      }
      int close = s.indexOf('}', i);
      if (close < 0) throw new InvalidWhereException("#{ is not closed", at);
      String inner = s.substring(i, close + 1);
      List<Template.Part> parts = Template.parse(inner).parts();
      if (parts.size() != 1 || parts.get(0).var() == null) {
        throw new InvalidWhereException("'" + inner + "' is not a placeholder (#{name}, #{order.id})", at);
      }
      i = close + 1;
      return new Token(Kind.PARAM, parts.get(0).var(), at);
    }

    /** '' is a quote; a backslash is refused, as MySQL and PostgreSQL read it differently. */
    private Token string(int at) {
      StringBuilder value = new StringBuilder();
      i++;
      while (true) {
        if (i >= s.length()) throw new InvalidWhereException("a string is not terminated", at);
        char c = s.charAt(i++);
        if (c == '\\') throw new InvalidWhereException("a backslash in a string is not allowed", i - 1);
        if (c == '\'') {
          if (i < s.length() && s.charAt(i) == '\'') {
            value.append('\'');
            i++;
          } else {
            break;
          }
        } else {
          value.append(c);
        }
      }
      String text = value.toString();
      if (text.contains("#{")) {
        throw new InvalidWhereException("a placeholder inside quotes is not allowed: write it without quotes, it is bound as a parameter", at);
      }
      return new Token(Kind.STRING, text, at);
    }

    private Token quotedName(int at, char quote) {
      int close = s.indexOf(quote, i + 1);
      if (close < 0) throw new InvalidWhereException("a quoted name is not terminated", at);
      String name = s.substring(i + 1, close);
      if (!SqlNames.isIdentifier(name)) {
        String what = quote == '"' ? "\"" + name + "\"" : "`" + name + "`";
        String hint = quote == '"' ? " (double quotes name a column; strings take single quotes)" : "";
        throw new InvalidWhereException(what + " is not a column name" + hint, at);
      }
      i = close + 1;
      return new Token(Kind.NAME, name, at);
    }

    private Token number(int at) {
      while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
      }
      if (i < s.length() && (isWordPart(s.charAt(i)) || s.charAt(i) == '.')) {
        throw new InvalidWhereException("'" + s.substring(at, Math.min(s.length(), i + 1)) + "' is not a number", at);
      }
      return new Token(Kind.NUMBER, s.substring(at, i), at);
    }

    private static boolean isWordStart(char c) {
      return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }

    private static boolean isWordPart(char c) {
      return isWordStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
  }

  // ---------------------------------------------------------------- grammar

  /**
   * condition := and (OR and)*; and := not (AND not)*; not := NOT not | '(' condition ')' | predicate;
   * predicate := operand (op operand | IS [NOT] NULL | [NOT] IN '(' operand, ... ')' | [NOT] BETWEEN operand AND
   * operand | [NOT] LIKE operand); operand := column | number | -number | string | TRUE | FALSE | NULL | #{var} |
   * function '(' operand, ... ')'.
   */
  private static final class Parser {
    private final List<Token> tokens;
    private int pos;
    private int depth;
    private final List<Piece> out = new ArrayList<>();
    private final List<String> variables = new ArrayList<>();
    private final List<String> compared = new ArrayList<>();
    private final Set<String> columns = new LinkedHashSet<>();

    /** What an operand was: a bare column, a bare placeholder (its index), or something else. */
    private record Operand(String column, int param) {
      static final Operand OTHER = new Operand(null, -1);
    }

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    SqlWhere parse() {
      condition();
      Token rest = peek();
      if (rest.kind() != Kind.END) {
        if (rest.kind() == Kind.RPAREN) throw new InvalidWhereException("')' has no matching '('", rest.offset());
        throw unexpected(rest, "AND, OR or the end");
      }
      List<Param> params = new ArrayList<>();
      for (int k = 0; k < variables.size(); k++) params.add(new Param(variables.get(k), compared.get(k)));
      return new SqlWhere(out, params, new ArrayList<>(columns));
    }

    private void condition() {
      if (++depth > MAX_DEPTH) throw new InvalidWhereException("is nested more than " + MAX_DEPTH + " deep", peek().offset());
      conjunction();
      while (peek().isWord("OR")) {
        pos++;
        text(" OR ");
        conjunction();
      }
      depth--;
    }

    private void conjunction() {
      negation();
      while (peek().isWord("AND")) {
        pos++;
        text(" AND ");
        negation();
      }
    }

    private void negation() {
      Token t = peek();
      if (t.isWord("NOT")) {
        pos++;
        text("NOT ");
        if (++depth > MAX_DEPTH) throw new InvalidWhereException("is nested more than " + MAX_DEPTH + " deep", t.offset());
        negation();
        depth--;
      } else if (t.kind() == Kind.LPAREN) {
        pos++;
        if (peek().isWord("SELECT") || peek().isWord("WITH") || peek().isWord("VALUES")) {
          throw new InvalidWhereException("a sub-query is not allowed", peek().offset());
        }
        text("(");
        condition();
        expect(Kind.RPAREN, "')'");
        text(")");
      } else {
        predicate();
      }
    }

    private void predicate() {
      Operand left = operand();
      Token t = peek();
      if (t.kind() == Kind.OP) {
        pos++;
        text(" " + t.text() + " ");
        Operand right = operand();
        pair(left, right);
        pair(right, left);
        return;
      }
      if (t.isWord("IS")) {
        pos++;
        text(" IS ");
        if (peek().isWord("NOT")) {
          pos++;
          text("NOT ");
        }
        Token n = next();
        if (!n.isWord("NULL")) throw unexpected(n, "NULL after IS");
        text("NULL");
        return;
      }
      boolean not = t.isWord("NOT");
      Token op = not ? tokens.get(pos + 1) : t;
      if (!op.isWord("IN") && !op.isWord("BETWEEN") && !op.isWord("LIKE")) {
        throw unexpected(not ? op : t, not ? "IN, BETWEEN or LIKE after NOT" : "a comparison (=, <>, IS, IN, BETWEEN, LIKE)");
      }
      pos += not ? 2 : 1;
      text(not ? " NOT " : " ");
      String word = op.text().toUpperCase(Locale.ROOT);
      text(word + " ");
      switch (word) {
        case "IN" -> {
          Token open = next();
          if (open.kind() != Kind.LPAREN) throw unexpected(open, "'(' after IN");
          if (peek().isWord("SELECT") || peek().isWord("WITH")) throw new InvalidWhereException("a sub-query is not allowed", peek().offset());
          text("(");
          pair(left, operand());
          while (peek().kind() == Kind.COMMA) {
            pos++;
            text(", ");
            pair(left, operand());
          }
          expect(Kind.RPAREN, "',' or ')'");
          text(")");
        }
        case "BETWEEN" -> {
          pair(left, operand());
          Token and = next();
          if (!and.isWord("AND")) throw unexpected(and, "AND in BETWEEN .. AND ..");
          text(" AND ");
          pair(left, operand());
        }
        default -> pair(left, operand()); // LIKE
      }
    }

    /** Notes {@code column} as the column a bare placeholder {@code param} is compared with. */
    private void pair(Operand column, Operand param) {
      if (column.column() != null && param.param() >= 0) compared.set(param.param(), column.column());
    }

    private Operand operand() {
      Token t = next();
      switch (t.kind()) {
        case NUMBER -> {
          text(t.text());
          return Operand.OTHER;
        }
        case MINUS -> {
          Token n = next();
          if (n.kind() != Kind.NUMBER) throw unexpected(n, "a number after '-'");
          text("-" + n.text());
          return Operand.OTHER;
        }
        case STRING -> {
          text("'" + t.text().replace("'", "''") + "'");
          return Operand.OTHER;
        }
        case PARAM -> {
          out.add(new Placeholder());
          variables.add(t.text());
          compared.add(null);
          return new Operand(null, variables.size() - 1);
        }
        case NAME -> {
          return column(t.text());
        }
        case WORD -> {
          return word(t);
        }
        case LPAREN -> {
          if (peek().isWord("SELECT") || peek().isWord("WITH")) throw new InvalidWhereException("a sub-query is not allowed", peek().offset());
          throw unexpected(t, "a column, a value or #{name} (parentheses group conditions, not values)");
        }
        default -> throw unexpected(t, "a column, a value or #{name}");
      }
    }

    private Operand word(Token t) {
      String upper = t.text().toUpperCase(Locale.ROOT);
      if (peek().kind() == Kind.LPAREN) return call(t, upper);
      switch (upper) {
        case "TRUE", "FALSE", "NULL" -> {
          text(upper);
          return Operand.OTHER;
        }
        default -> {
          if (RESERVED.contains(upper)) throw new InvalidWhereException("'" + t.text() + "' is not allowed here", t.offset());
          return column(t.text());
        }
      }
    }

    private Operand call(Token name, String upper) {
      if (!FUNCTIONS.contains(upper)) {
        throw new InvalidWhereException("function '" + name.text() + "' is not allowed (allowed: "
            + String.join(", ", FUNCTIONS.stream().sorted().toList()) + ")", name.offset());
      }
      pos++; // (
      if (++depth > MAX_DEPTH) throw new InvalidWhereException("is nested more than " + MAX_DEPTH + " deep", name.offset());
      text(upper + "(");
      int arguments = 1;
      operand();
      while (peek().kind() == Kind.COMMA) {
        pos++;
        text(", ");
        operand();
        arguments++;
      }
      Token close = next();
      if (close.kind() != Kind.RPAREN) throw unexpected(close, "',' or ')' in " + upper + "(...)");
      if (arguments > 1 && !upper.equals("COALESCE")) {
        throw new InvalidWhereException(upper + " takes one argument, not " + arguments, name.offset());
      }
      text(")");
      depth--;
      return Operand.OTHER;
    }

    private Operand column(String name) {
      out.add(new Column(name));
      columns.add(name);
      return new Operand(name, -1);
    }

    private void text(String sql) {
      out.add(new Text(sql));
    }

    private Token peek() {
      return tokens.get(pos);
    }

    private Token next() {
      Token t = tokens.get(pos);
      if (t.kind() != Kind.END) pos++;
      return t;
    }

    private void expect(Kind kind, String what) {
      Token t = next();
      if (t.kind() != kind) throw unexpected(t, what);
    }

    private static InvalidWhereException unexpected(Token t, String expected) {
      return new InvalidWhereException("expected " + expected + ", found " + t.shown(), t.offset());
    }
  }
}
