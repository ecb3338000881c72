package dev.tally.bus;

import dev.tally.model.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Codec for immutable records: passed by reference within the JVM (no copy), as JSON across a cluster.
 */
public final class RecordCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;

  private RecordCodec(Class<T> type) {
    this.type = type;
  }

  public static void registerAll(Vertx vertx) {
    for (Class<?> type : Messages.TYPES) register(vertx, type);
  }

  private static <T> void register(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new RecordCodec<>(type));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] json = Json.writeBytes(value);
    buffer.appendInt(json.length).appendBytes(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return Json.read(buffer.getString(pos + 4, pos + 4 + length), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "tally-" + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
