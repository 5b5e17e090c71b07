// Starts mongo-java-server (in-memory backend) on 127.0.0.1:<port> for local runs and CI.
// Usage: java -cp "<cache>/mongo/classes:<cache>/mongo/libs/*" Launcher [port] [host]
// Compiled by tools/servers/servers.sh; a fresh JVM means fresh, empty data.
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public class Launcher {
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 27017;
    String host = args.length > 1 ? args[1] : "127.0.0.1";

    MemoryBackend backend = new MemoryBackend();
    // The Node driver (6+) refuses anything below wire version 9 and the library's built-in versions,
    // MONGO_5_0 included, report 8: claim MongoDB 5.0 (wire version 13) ourselves.
    backend.version(new MongoVersion() {
      public List<Integer> getVersionArray() { return List.of(5, 0, 0); }
      public int getWireVersion() { return 13; }
    });

    MongoServer server = new MongoServer(backend);
    server.bind(host, port);
    System.out.println("mongo-java-server listening on " + host + ":" + port + " (wire version 13)");

    // SIGTERM/SIGINT run shutdown hooks: close the listener and connections, then let main return.
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("mongo-java-server shutting down");
      server.shutdown();
      stopped.countDown();
    }));
    stopped.await();
  }
}
