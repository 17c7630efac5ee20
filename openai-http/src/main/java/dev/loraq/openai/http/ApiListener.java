package dev.loraq.openai.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A JDK {@link HttpServer} serving {@link ApiHandler}s, a virtual thread per exchange. */
public final class ApiListener implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private ApiListener(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving each handler at its path.
     *
     * @param threadPrefix the exchange threads' name prefix ({@code loraq-online-}: loraq-online-0, -1, ...)
     * @throws IOException when the address cannot be bound
     */
    public static ApiListener start(String address, int port, String threadPrefix, List<? extends ApiHandler> handlers)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadPrefix, 0).factory());
        server.setExecutor(executor);
        for (ApiHandler h : handlers) {
            server.createContext(h.path(), h);
        }
        server.start();
        return new ApiListener(server, executor);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening; open exchanges get a second to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
