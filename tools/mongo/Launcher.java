// Starts mongo-java-server (in-memory backend) on 127.0.0.1:<port> for local runs and CI.
// Usage: java -cp "<cache>/mongo/classes:<cache>/mongo/libs/*" Launcher [port] [host]
// Compiled by tools/servers/servers.sh; a fresh JVM means fresh, empty data.
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public class Launcher {
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 27017;
    String host = args.length > 1 ? args[1] : "127.0.0.1";

    MemoryBackend backend = new IdLookupBackend();
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

  /*
   * The library uses its `_id` index only for a filter that is `_id` alone, and scans every document otherwise. Batchyard's
   * read-model writes filter on `_id` plus a position guard (`{_id: x, _position: {$not: {$gte: n}}}`), so each write
   * scanned the collection: a 100,000-row job took longer than a CI run. These classes look such a filter up by its `_id`
   * first and match the rest on that one document, which is what MongoDB's planner does.
   */
  static class IdLookupBackend extends MemoryBackend {
    @Override
    public MemoryDatabase openOrCreateDatabase(String name) {
      return new IdLookupDatabase(name, getCursorRegistry());
    }
  }

  static class IdLookupDatabase extends MemoryDatabase {
    IdLookupDatabase(String name, CursorRegistry cursors) {
      super(name, cursors);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
      return new IdLookupCollection(this, name, options, cursorRegistry);
    }
  }

  static class IdLookupCollection extends MemoryCollection {
    IdLookupCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
      super(database, name, options, cursors);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
      Object id = query.get("_id");
      if (query.size() > 1 && id != null && !(id instanceof Document) && !(id instanceof List)) {
        for (Index<Integer> index : getIndexes()) {
          if (index.getName().equals("_id_")) {
            return matchDocuments(query, index.getPositions(new Document("_id", id)), orderBy, skip, limit, batchSize, fields);
          }
        }
      }
      return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
    }
  }
}
