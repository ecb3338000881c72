package dev.tally.queue;

import dev.tally.model.Job;
import dev.tally.model.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Jobs travel to RocketMQ several to a message: every message costs a send, a receive share and an acknowledgement,
 * each a gRPC call through the client and the proxy, and those calls were most of the RocketMQ path's CPU. A pack
 * holds jobs of one route (topic, and for delayed jobs the second they are due in), at most {@link #MAX_JOBS} of
 * them and about {@link #MAX_BYTES}. Its body is a JSON array of jobs; a single job object (a message written by a
 * node from before packs) is read as a pack of one.
 */
final class JobPacks {
  static final int MAX_JOBS = 32;
  static final int MAX_BYTES = 1 << 20;

  private JobPacks() {
  }

  /** Where a job goes: a topic, and for a delayed job the second it is due in (0: due now). */
  record Route(String topic, long dueSecond) {
    boolean delayed() {
      return dueSecond > 0;
    }
  }

  /** One message: its route, when the broker should deliver it (0: now), its jobs and its body. */
  record Pack(Route route, long deliverAt, List<Job> jobs, byte[] body) {
  }

  /** The jobs, in order within each route, packed by route. */
  static List<Pack> pack(List<Job> jobs, Function<Job, Route> routeOf) {
    Map<Route, Builder> open = new LinkedHashMap<>();
    List<Pack> packs = new ArrayList<>();
    for (Job job : jobs) {
      byte[] encoded = Json.writeBytes(job);
      Route route = routeOf.apply(job);
      Builder builder = open.get(route);
      if (builder != null && !builder.fits(encoded)) {
        packs.add(builder.build());
        builder = null;
      }
      if (builder == null) {
        builder = new Builder(route);
        open.put(route, builder);
      }
      builder.add(job, encoded);
    }
    open.values().forEach(b -> packs.add(b.build()));
    return packs;
  }

  /** The jobs of a message body; throws if it is not a pack or a job. */
  static List<Job> unpack(byte[] body) {
    int first = 0;
    while (first < body.length && Character.isWhitespace(body[first])) first++;
    try {
      if (first < body.length && body[first] == '[') return List.of(Json.MAPPER.readValue(body, Job[].class));
      return List.of(Json.MAPPER.readValue(body, Job.class));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a job or a pack of jobs: " + e.getMessage(), e);
    }
  }

  private static final class Builder {
    private final Route route;
    private final List<Job> jobs = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long deliverAt = Long.MAX_VALUE;

    Builder(Route route) {
      this.route = route;
      body.write('[');
    }

    /** A job always fits an empty pack, however large (the broker's own size limit then decides). */
    boolean fits(byte[] encoded) {
      return jobs.isEmpty() || jobs.size() < MAX_JOBS && body.size() + encoded.length + 2 <= MAX_BYTES;
    }

    void add(Job job, byte[] encoded) {
      if (!jobs.isEmpty()) body.write(',');
      body.writeBytes(encoded);
      jobs.add(job);
      deliverAt = Math.min(deliverAt, job.dueAt());
    }

    Pack build() {
      body.write(']');
      // a delayed pack is delivered when its soonest job is due; the consumer holds the others for the rest
      return new Pack(route, route.delayed() ? deliverAt : 0, List.copyOf(jobs), body.toByteArray());
    }
  }
}
