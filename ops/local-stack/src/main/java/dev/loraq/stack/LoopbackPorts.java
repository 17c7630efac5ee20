package dev.loraq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free TCP ports on 127.0.0.1, chosen before a server starts (servers here need their port in their config). */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** {@code requested} when it is not 0, else a port that was free a moment ago. */
    static int orFree(int requested) {
        return requested != 0 ? requested : free();
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free TCP port on 127.0.0.1", e);
        }
    }
}
