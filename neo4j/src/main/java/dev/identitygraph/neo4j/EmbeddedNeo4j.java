// Starts Neo4j Community embedded with a Bolt connector on loopback, so the Node service and its
// tests talk to a real database over the same protocol as to any server, without Docker.
package dev.identitygraph.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import java.time.Duration;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Usage: EmbeddedNeo4j &lt;storeDir&gt; &lt;boltPort&gt; [pageCacheMb].
 *
 * <p>Prints "READY bolt://127.0.0.1:PORT" once the default database answers. Stops cleanly on
 * SIGINT/SIGTERM (shutdown hook) and also when its standard input closes, so a parent that dies
 * without signalling (kill -9, a crashed test runner) never leaves an orphan holding the store lock.
 */
public final class EmbeddedNeo4j {
  private EmbeddedNeo4j() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: EmbeddedNeo4j <storeDir> <boltPort> [pageCacheMb]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    long pageCacheMb = args.length > 2 ? Long.parseLong(args[2]) : 256;

    DatabaseManagementService service =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            // Netty's graceful-shutdown quiet period (5 s, twice) made every stop take 12 s; our only
            // clients are local and already closed when we stop.
            .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
            .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
            .setConfig(GraphDatabaseSettings.auth_enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMb * 1024 * 1024)
            // A cached plan is checked against the statistics at most every 5 minutes, not every 10 s:
            // on a graph that grows quickly (a first import), every ingest statement was replanned
            // whenever the graph had grown by 75%, at seconds of CPU each, more than the batch itself
            // (GraphQL ingest of the first 20k generated events, 2026-12-02: 527 → 727 events/s). Every
            // statement is keyed by unique constraints, so an older plan stays a good one. A server
            // named by NEO4J_URI keeps its own dbms.cypher.min_replan_interval.
            .setConfig(GraphDatabaseSettings.cypher_min_replan_interval, Duration.ofMinutes(5))
            .build();

    AtomicBoolean stopped = new AtomicBoolean(false);
    CountDownLatch done = new CountDownLatch(1);
    Runnable stop =
        () -> {
          if (stopped.compareAndSet(false, true)) {
            service.shutdown();
            System.out.println("STOPPED");
            System.out.flush();
          }
          done.countDown();
        };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

    GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    db.executeTransactionally("RETURN 1");
    System.out.println("READY bolt://127.0.0.1:" + port);
    System.out.flush();

    Thread stdinWatcher =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() != -1) {
                  // Input carries no commands; only its end matters.
                }
              } catch (IOException ignored) {
                // A broken pipe means the parent is gone, same as end of input.
              }
              stop.run();
              System.exit(0);
            },
            "parent-watch");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();
    done.await();
  }
}
