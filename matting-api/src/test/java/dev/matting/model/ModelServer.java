package dev.matting.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 with an ephemeral port that serves model bytes and misbehaves on request:
 * truncated bodies, stalls, error codes, slow transfers. Each path gets a script of behaviours, one per request (the
 * last repeats), and counts its requests. Nothing here reaches beyond the loopback interface.
 */
final class ModelServer implements AutoCloseable {
    /** What the server does with one request. */
    @FunctionalInterface
    interface Behaviour {
        void handle(HttpExchange exchange, CountDownLatch closing) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Map<String, List<Behaviour>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    private ModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "model-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    static ModelServer start() throws IOException {
        return new ModelServer();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    URI url(String path) {
        return base().resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    /** Answers requests for {@code path} with these behaviours in turn; the last one repeats. */
    ModelServer on(String path, Behaviour... perRequest) {
        scripts.put(path.startsWith("/") ? path : "/" + path, List.of(perRequest));
        return this;
    }

    /** Requests seen for {@code path}. */
    int hits(String path) {
        AtomicInteger n = hits.get(path.startsWith("/") ? path : "/" + path);
        return n == null ? 0 : n.get();
    }

    private void dispatch(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
        List<Behaviour> script = scripts.get(path);
        try {
            if (script == null) {
                status(404).handle(ex, closing);
            } else {
                script.get(Math.min(n, script.size() - 1)).handle(ex, closing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (it timed out or cancelled): nothing to do
        } finally {
            ex.close();
        }
    }

    /** 200 with the bytes. */
    static Behaviour ok(byte[] bytes) {
        return (ex, closing) -> {
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    /** 200 with the bytes, in chunks with a pause after each: a slow link, for races. */
    static Behaviour slow(byte[] bytes, int chunk, long pauseMillis) {
        return (ex, closing) -> {
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (int off = 0; off < bytes.length; off += chunk) {
                    out.write(bytes, off, Math.min(chunk, bytes.length - off));
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
            }
        };
    }

    /** An empty answer with this status code. */
    static Behaviour status(int code) {
        return (ex, closing) -> ex.sendResponseHeaders(code, -1);
    }

    /** Announces all the bytes, sends only the first {@code sent}, then drops the connection. */
    static Behaviour truncated(byte[] bytes, int sent) {
        return (ex, closing) -> {
            ex.sendResponseHeaders(200, bytes.length);
            OutputStream out = ex.getResponseBody();
            out.write(bytes, 0, sent);
            out.flush();
            // closing the exchange short of Content-Length makes the JDK server drop the connection
        };
    }

    /** Announces all the bytes, sends the first {@code sent}, then goes silent until the server closes. */
    static Behaviour stall(byte[] bytes, int sent) {
        return (ex, closing) -> {
            ex.sendResponseHeaders(200, bytes.length);
            OutputStream out = ex.getResponseBody();
            out.write(bytes, 0, sent);
            out.flush();
            closing.await(60, TimeUnit.SECONDS);
        };
    }

    /** Accepts the request and never answers, until the server closes. */
    static Behaviour silent() {
        return (ex, closing) -> closing.await(60, TimeUnit.SECONDS);
    }

    /** 200 with these bytes but with one byte changed in the middle: same size, wrong digest. */
    static Behaviour corrupted(byte[] bytes) {
        byte[] bad = Arrays.copyOf(bytes, bytes.length);
        bad[bad.length / 2] ^= 0x5A;
        return ok(bad);
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
