package com.hazy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP/1.1 server that answers every request, after a delay, with the same running job.
 * It keeps job gets and waits in flight long enough for a close to overtake them, as
 * tests/c/test_lifetime.c does in C. Plain sockets, so it compiles for Java 8.
 */
final class SlowJobServer implements AutoCloseable {
    private static final byte[] REPLY;

    static {
        String body = "{\"id\":\"job-1\",\"project_id\":\"p1\",\"kind\":\"train\",\"state\":\"running\",\"progress\":0.5}";
        REPLY = ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n"
                + body).getBytes(StandardCharsets.US_ASCII);
    }

    private final ServerSocket server;
    private final long delayMs;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Socket> connections = new ArrayList<Socket>();
    private final Thread acceptor;

    SlowJobServer(long delayMs) throws IOException {
        this.delayMs = delayMs;
        this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "slow-job-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests received so far; counted before the delay, so a counted call is in flight. */
    int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (true) {
            final Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            synchronized (connections) {
                connections.add(s);
            }
            Thread t = new Thread(() -> serve(s), "slow-job-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Keep-alive: answers each request head (GETs only, no body) until the peer closes. */
    private void serve(Socket s) {
        try (Socket socket = s; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int matched = 0; // how much of "\r\n\r\n" was just read
            int b;
            while ((b = in.read()) >= 0) {
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    matched = 0;
                    requests.incrementAndGet();
                    Thread.sleep(delayMs);
                    out.write(REPLY);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (connections) {
            for (Socket s : connections) {
                s.close();
            }
        }
    }
}
