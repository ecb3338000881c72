package dev.tally.queue;

import dev.tally.model.Job;
import dev.tally.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local queue's record of accepted jobs on the embedded store: an append-only file, written before an event is
 * acknowledged, in place of a job row written then and rewritten when the job finishes. The store then sees a job
 * once, as the finished row its result's transaction inserts (which is also the replay check). Like H2's own
 * commits, an append reaches the operating system before it is acknowledged, so it survives the process being
 * killed; neither is forced to the disk.
 *
 * <p>The file is split into segments; a segment is deleted once every job in it has been released (recorded,
 * moved to the store, or discarded) and a newer one is being written. After a crash, {@link #recover()} reads what
 * the segments hold; the caller makes those jobs rows of the store and then calls {@link #dropRecovered()}.
 *
 * <p>Each record: payload length (4 bytes), CRC32 of the payload (4 bytes), the job as JSON. Reading stops at the
 * first record that is cut short or fails its checksum: a write the crash interrupted, never acknowledged.
 *
 * <p>Blocking: call append, recover and dropRecovered off the event loop. {@link #release} only deletes a file
 * (rarely) and may be called anywhere.
 */
public final class JobJournal {
  private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
  private static final String PREFIX = "jobs-";
  private static final String SUFFIX = ".log";
  private static final int HEADER = 8;

  /** A job the journal holds, and the segment it was written to (-1 while it is being written). */
  private static final class Held {
    final Job job;
    volatile long segment = -1;

    Held(Job job) {
      this.job = job;
    }
  }

  private final Path dir;
  private final long segmentBytes;
  private final ConcurrentHashMap<String, Held> held = new ConcurrentHashMap<>();
  private final Map<Long, Integer> unreleased = new TreeMap<>();
  private final List<Path> recovered = new ArrayList<>();
  /** The segment being written (package-private: a test breaks it to see a failed write handled). */
  FileChannel current;
  private long currentSegment;
  private long currentSize;

  /** {@code segmentBytes}: a segment larger than this is closed and the next one started. */
  public JobJournal(Path dir, long segmentBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Reads every job the segments on disk hold, oldest first, and opens a new segment for appends. Call once,
   * before the first append.
   */
  public synchronized List<Job> recover() {
    try {
      Files.createDirectories(dir);
      List<Job> jobs = new ArrayList<>();
      long last = 0;
      for (Path segment : segments()) {
        last = Math.max(last, number(segment));
        readSegment(segment, jobs);
        recovered.add(segment);
      }
      openSegment(last + 1);
      return jobs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job journal in " + dir, e);
    }
  }

  /** Deletes the segments {@link #recover()} read: their jobs are in the store now. */
  public synchronized void dropRecovered() {
    for (Path segment : recovered) delete(segment);
    recovered.clear();
  }

  /**
   * Claims the ids of jobs about to be appended: returns those not already held (a duplicate of a job waiting
   * here is dropped, as the store's insert would drop it). A claimed job must be appended or {@link #unclaim}ed.
   */
  public List<Job> claim(List<Job> jobs) {
    List<Job> fresh = new ArrayList<>(jobs.size());
    for (Job job : jobs) if (held.putIfAbsent(job.id(), new Held(job)) == null) fresh.add(job);
    return fresh;
  }

  public void unclaim(List<Job> jobs) {
    for (Job job : jobs) held.remove(job.id());
  }

  /**
   * Writes claimed jobs; once it returns they survive the process's death. One append at a time (the queue's group
   * commit sees to that); the jobs are encoded before the lock, so a release waits only for the write.
   */
  public void append(List<Job> jobs) {
    if (jobs.isEmpty()) return;
    List<byte[]> payloads = new ArrayList<>(jobs.size());
    int bytes = 0;
    for (Job job : jobs) {
      byte[] payload = Json.writeBytes(job);
      payloads.add(payload);
      bytes += HEADER + payload.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(bytes);
    CRC32 crc = new CRC32();
    for (byte[] payload : payloads) {
      crc.reset();
      crc.update(payload);
      buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
    }
    buffer.flip();
    synchronized (this) {
      if (current == null) throw new IllegalStateException("the job journal was not opened (recover() first)");
      try {
        while (buffer.hasRemaining()) current.write(buffer);
      } catch (IOException e) {
        // the segment may now end in part of a record, where reading stops: later appends go to a new segment
        rotate();
        throw new UncheckedIOException("cannot append to the job journal in " + dir, e);
      }
      currentSize += bytes;
      unreleased.merge(currentSegment, jobs.size(), Integer::sum);
      for (Job job : jobs) {
        Held h = held.get(job.id());
        if (h != null) h.segment = currentSegment;
      }
      if (currentSize >= segmentBytes) rotate();
    }
  }

  /** True if the journal holds this job (it has no row in the store). */
  public boolean holds(String jobId) {
    return held.containsKey(jobId);
  }

  /** The jobs held now: accepted, not yet recorded, moved or discarded. */
  public Collection<Job> jobs() {
    return held.values().stream().filter(h -> h.segment >= 0).map(h -> h.job).toList();
  }

  public int size() {
    return held.size();
  }

  /** The job no longer needs the journal (its final row, or its pending row, is in the store; or it is discarded). */
  public void release(String jobId) {
    Held h = held.remove(jobId);
    if (h == null || h.segment < 0) return;
    synchronized (this) {
      unreleased.merge(h.segment, -1, Integer::sum);
      if (h.segment != currentSegment) deleteIfReleased(h.segment);
    }
  }

  /** Segment files on disk now (for tests and the operator's curiosity). */
  public synchronized List<Path> segments() throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(PREFIX) && p.getFileName().toString().endsWith(SUFFIX))
          .sorted().toList();
    }
  }

  public synchronized void close() {
    try {
      if (current != null) current.close();
    } catch (IOException e) {
      LOG.warn("closing the job journal: {}", e.getMessage());
    }
    current = null;
  }

  private void rotate() {
    long finished = currentSegment;
    openSegment(currentSegment + 1);
    deleteIfReleased(finished);
  }

  /** Deletes a closed segment once none of its jobs is held. */
  private void deleteIfReleased(long segment) {
    if (unreleased.getOrDefault(segment, 0) > 0) return;
    unreleased.remove(segment);
    delete(segmentPath(segment));
  }

  private void openSegment(long number) {
    try {
      if (current != null) current.close();
      current = FileChannel.open(segmentPath(number), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      currentSegment = number;
      currentSize = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a job journal segment in " + dir, e);
    }
  }

  private static void readSegment(Path segment, List<Job> into) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(segment));
    CRC32 crc = new CRC32();
    while (data.remaining() >= HEADER) {
      int start = data.position();
      int length = data.getInt();
      int expected = data.getInt();
      if (length < 0 || length > data.remaining()) {
        data.position(start);
        break;
      }
      byte[] payload = new byte[length];
      data.get(payload);
      crc.reset();
      crc.update(payload);
      if ((int) crc.getValue() != expected) {
        data.position(start);
        break;
      }
      into.add(Json.MAPPER.readValue(payload, Job.class));
    }
    if (data.hasRemaining()) {
      LOG.warn("job journal {}: ignored its last {} bytes, a write cut short by the crash (never acknowledged)",
          segment.getFileName(), data.remaining());
    }
  }

  private Path segmentPath(long number) {
    return dir.resolve(PREFIX + String.format("%020d", number) + SUFFIX);
  }

  private static long number(Path segment) {
    String name = segment.getFileName().toString();
    return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
  }

  private static void delete(Path segment) {
    try {
      Files.deleteIfExists(segment);
    } catch (IOException e) {
      LOG.warn("could not delete job journal segment {}: {}", segment.getFileName(), e.getMessage());
    }
  }
}
