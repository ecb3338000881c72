package dev.tally.infra;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single-node OpenSearch in a plain JVM, for scripts/infra/opensearch.sh. HTTP and transport on
 * 127.0.0.1 only, no security plugin (the script adds an index template with 0 replicas).
 *
 * <p>Arguments: {@code home httpPort transportPort}. Data and logs go under {@code home}. Runs until
 * the JVM gets TERM, then closes the node.
 */
public final class EmbeddedOpenSearch {

    private EmbeddedOpenSearch() {
    }

    /** {@link Node}'s constructor that takes classpath plugins is protected. */
    private static final class PluginNode extends Node {
        PluginNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, false);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedOpenSearch home httpPort transportPort");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String httpPort = args[1];
        String transportPort = args[2];
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("path.logs", home.resolve("logs").toString())
                .put("cluster.name", "tally-test")
                .put("node.name", "node-1")
                .put("network.host", "127.0.0.1")
                .put("http.port", httpPort)
                .put("transport.port", transportPort)
                .put("transport.type", "netty4")
                .put("http.type", "netty4")
                .put("discovery.type", "single-node")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("action.auto_create_index", true)
                .build();
        Environment env = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "node-1");
        Node node = new PluginNode(env, List.of(Netty4Plugin.class));
        node.start();
        // Every thread of the node is a daemon thread: main must stay alive, or the JVM ends right away.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }, "opensearch-stop"));
        System.out.println("OPENSEARCH STARTED http://127.0.0.1:" + httpPort);
        stopped.await();
    }
}
