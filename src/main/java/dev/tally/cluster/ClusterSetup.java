package dev.tally.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.tally.config.TallyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.List;

/**
 * A clustered Vert.x on Hazelcast: members found by a fixed TCP list (no multicast), everything bound to
 * {@code cluster.host}. Vert.x's own map settings come from the bundled default-cluster.xml.
 */
public final class ClusterSetup {
  private ClusterSetup() {
  }

  public static Future<Vertx> start(TallyConfig.Cluster cluster) {
    return start(cluster, new dev.tally.ops.Metrics());
  }

  /** The same, Vert.x's own meters in {@code metrics}. */
  public static Future<Vertx> start(TallyConfig.Cluster cluster, dev.tally.ops.Metrics metrics) {
    return start(cluster, metrics, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  /** {@code eventLoops}: event-loop threads of this node (see TallyConfig#eventLoopThreads). */
  public static Future<Vertx> start(TallyConfig.Cluster cluster, dev.tally.ops.Metrics metrics, int eventLoops) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(cluster.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // a member that stops answering is dropped within seconds, so its partitions and locks move on
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    // 0.0.0.0 (containers, where the address is only known at run time): bind everywhere, advertise our own
    boolean anyAddress = cluster.host().equals("0.0.0.0");
    String publicHost = anyAddress ? ownAddress() : cluster.host();
    if (anyAddress) {
      hz.setProperty("hazelcast.socket.bind.any", "true");
    } else {
      net.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members(cluster.members()));
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(eventLoops);
    options.getEventBusOptions().setHost(cluster.host()).setClusterPublicHost(publicHost).setPort(0);
    return metrics.vertxBuilder(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }

  private static String ownAddress() {
    try {
      return java.net.InetAddress.getLocalHost().getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("cluster.host is 0.0.0.0 but this machine's address is unknown: set cluster.host", e);
    }
  }

  static List<String> members(String list) {
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
