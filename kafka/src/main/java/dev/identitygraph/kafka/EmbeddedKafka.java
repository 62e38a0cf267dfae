// Runs a single-node Apache Kafka (broker and controller in one process, KRaft) for the demo, the
// tests and trying the streams, without Docker: the Node side formats the storage and writes the
// server.properties; this starts the server and says when it answers.
package dev.identitygraph.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Usage: EmbeddedKafka &lt;server.properties&gt; &lt;bootstrap host:port&gt;.
 *
 * <p>Prints "READY host:port" once the broker answers an admin request. Stops cleanly on
 * SIGINT/SIGTERM (Kafka's own shutdown hook) and also when its standard input closes, so a parent
 * that dies without signalling (kill -9, a crashed test runner) never leaves an orphan holding the
 * log directory's lock and the ports.
 */
public final class EmbeddedKafka {
  private EmbeddedKafka() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: EmbeddedKafka <server.properties> <bootstrap host:port>");
      System.exit(2);
    }
    String config = args[0];
    String bootstrap = args[1];

    Thread server = new Thread(() -> kafka.Kafka.main(new String[] {config}), "kafka-main");
    server.start();
    waitUntilAnswering(bootstrap);
    System.out.println("READY " + bootstrap);
    System.out.flush();

    Thread stdinWatcher =
        new Thread(
            () -> {
              try {
                InputStream in = System.in;
                while (in.read() != -1) {
                  // Nothing is sent on stdin; it only tells us the parent is alive.
                }
              } catch (IOException ignored) {
                // A closed pipe means the same as end of input.
              }
              // Runs Kafka's shutdown hook: a controlled shutdown, logs flushed.
              System.exit(0);
            },
            "parent-watcher");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();
    server.join();
  }

  /** Polls with an admin client until the cluster describes itself (the broker is then serving). */
  private static void waitUntilAnswering(String bootstrap) throws InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
    while (true) {
      try (Admin admin = Admin.create(props)) {
        while (true) {
          try {
            if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) return;
          } catch (Exception notYet) {
            Thread.sleep(200);
          }
        }
      }
    }
  }
}
