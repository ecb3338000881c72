package dev.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Tally as a child JVM ({@code java [TALLY_JAVA_OPTS] -jar tally.jar --settings...}), closed as users run it: a
 * first owner from TALLY_OWNER_USERNAME/PASSWORD, then a personal token minted with Basic; every call carries it.
 * Also reads the child's CPU time and peak RSS from /proc.
 */
public final class TallyProcess implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long CLOCK_TICKS = clockTicks();

  public final String base;
  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private String token;

  public record Response(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }
  }

  private TallyProcess(String base, Process process, Path log) {
    this.base = base;
    this.process = process;
    this.log = log;
  }

  /** Starts Tally and waits for /health, then mints the bench's token. */
  public static TallyProcess start(Path jar, Path runDir, int port, List<String> javaOpts, List<String> settings)
      throws Exception {
    String password = UUID.randomUUID().toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOpts);
    command.add("-jar");
    command.add(jar.toString());
    command.add("--http.host=127.0.0.1");
    command.add("--http.port=" + port);
    command.addAll(settings);
    Path log = runDir.resolve("tally.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(runDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("TALLY_OWNER_USERNAME", "bench");
    env.put("TALLY_OWNER_PASSWORD", password);
    Process process = builder.start();
    // a bench stopped with Ctrl-C or TERM takes its Tally with it
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    TallyProcess tally = new TallyProcess("http://127.0.0.1:" + port, process, log);
    tally.awaitHealthy(Duration.ofSeconds(120));
    tally.mintToken("bench", password);
    return tally;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  private void awaitHealthy(Duration within) throws Exception {
    long end = System.nanoTime() + within.toNanos();
    while (true) {
      if (!process.isAlive()) throw new IllegalStateException("Tally exited during start-up; see " + log + ":\n" + tail());
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > end) throw new IllegalStateException("Tally gave no /health within " + within + "; see " + log);
      Thread.sleep(200);
    }
  }

  private void mintToken(String user, String password) throws Exception {
    String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/tokens"))
        .header("authorization", "Basic " + basic).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench\"}")).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw new IllegalStateException("minting a token answered " + r.statusCode() + ": " + r.body());
    }
    token = JSON.readTree(r.body()).get("token").asText();
  }

  public String token() {
    return token;
  }

  public Response get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Response post(String path, String json) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** POSTs and insists on 201 (or 200), returning the answer's JSON. */
  public JsonNode create(String path, String json) throws Exception {
    Response r = post(path, json);
    if (r.status() != 201 && r.status() != 200) throw new IllegalStateException("POST " + path + " answered " + r.status() + ": " + r.body());
    return r.json();
  }

  private Response send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.header("authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body());
  }

  /** PASS + FAIL + ERROR of the task in the last day (its minute counters, written with each result batch). */
  public long[] verdicts(String taskId) throws Exception {
    Response r = get("/api/v1/tasks/" + taskId + "/stats?bucket=day");
    if (r.status() != 200) throw new IllegalStateException("task stats answered " + r.status() + ": " + r.body());
    JsonNode s = r.json();
    return new long[] {s.get("pass").asLong(), s.get("fail").asLong(), s.get("error").asLong()};
  }

  public String metrics() throws Exception {
    Response r = get("/metrics");
    if (r.status() != 200) throw new IllegalStateException("/metrics answered " + r.status());
    return r.body();
  }

  /** User + system CPU seconds of the Tally process so far (/proc/pid/stat fields 14 and 15). */
  public double cpuSeconds() throws IOException {
    return cpuTicks(Files.readString(Path.of("/proc/" + pid() + "/stat"))) / (double) CLOCK_TICKS;
  }

  /** utime + stime, in clock ticks, of a process's or thread's {@code stat} line. */
  static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** CPU seconds Tally's JIT compiler threads have used so far. */
  public double compilerCpuSeconds() {
    return Jit.compilerCpuSeconds(pid());
  }

  /** The process's peak resident set (VmHWM), in MiB. */
  public double peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    throw new IllegalStateException("no VmHWM in /proc/" + pid() + "/status");
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** TERM, then KILL after 20 s. */
  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
