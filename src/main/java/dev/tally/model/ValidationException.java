package dev.tally.model;

/** Bad input: names the field (JSON path, e.g. {@code left.where}) and the reason. Maps to HTTP 400. */
public class ValidationException extends RuntimeException {
  private final String field;
  private final String detail;

  public ValidationException(String field, String message, String detail) {
    super(message);
    this.field = field;
    this.detail = detail;
  }

  public ValidationException(String field, String message) {
    this(field, message, null);
  }

  public String field() {
    return field;
  }

  public String detail() {
    return detail;
  }
}
