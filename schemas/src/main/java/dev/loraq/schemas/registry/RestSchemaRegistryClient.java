package dev.loraq.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.schemas.health.Reachability;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent schema registry REST client over {@link HttpClient} and Jackson. Works against Confluent's registry and
 * Apicurio's ccompat API ({@code /apis/ccompat/v7}). Retries connection failures, timeouts and 5xx answers with
 * exponential backoff, trying the configured URLs in turn; 4xx answers fail at once with a typed exception.
 * Thread-safe.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> urls;
    private final String authorization;
    private final Duration requestTimeout;
    private final int retries;
    private final long retryBackoffMs;
    private final HttpClient http;

    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final AtomicLong httpRequests = new AtomicLong();
    private final Reachability reachability;
    // Index of the URL that answered last, so that a dead first URL is not retried on every call.
    private volatile int preferredUrl;

    public RestSchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.urls = config.urls();
        this.reachability = new Reachability("schema registry", String.join(",", urls), log);
        String userInfo = config.basicAuthUserInfo().value();
        this.authorization = userInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = Duration.ofMillis(config.requestTimeoutMs());
        this.retries = config.retries();
        this.retryBackoffMs = config.retryBackoffMs();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(requestTimeout).version(HttpClient.Version.HTTP_1_1);
        if (urls.stream().anyMatch(u -> u.startsWith("https://"))) {
            builder.sslContext(sslContext(config));
        }
        this.http = builder.build();
    }

    public RestSchemaRegistryClient(Map<String, ?> config) {
        this(new SchemaRegistryClientConfig(config));
    }

    /** Whether the last call got an answer from the registry (any answer but a 5xx or no connection). */
    public boolean isReachable() {
        return reachability.isReachable();
    }

    /** HTTP requests sent so far, retries included; lets tests and metrics check that the hot path stays off the network. */
    public long httpRequestCount() {
        return httpRequests.get();
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema), subject, null);
        int id = requiredInt(answer, "id", "register under subject " + subject);
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        log.info("Registered schema {} under subject {} with id {}", schema.getFullName(), subject, id);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + Integer.toUnsignedString(id), null, null, id);
        Schema schema = parse(requiredText(answer, "schema", "schema id " + Integer.toUnsignedString(id)), "schema id " + Integer.toUnsignedString(id));
        Schema previous = schemaById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null, subject, null);
        RegisteredSchema registered = registered(subject, answer, null);
        schemaById.putIfAbsent(registered.id(), registered.schema());
        return registered;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema), subject, null);
        RegisteredSchema registered = registered(subject, answer, schema);
        idBySubjectSchema.put(new SubjectSchema(subject, schema), registered.id());
        schemaById.putIfAbsent(registered.id(), schema);
        return registered;
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
                schemaBody(schema), subject, null);
        if (!answer.has("is_compatible")) {
            throw new RegistryRequestException("Registry answer to the compatibility test of subject '" + subject
                    + "' lacks is_compatible: " + answer, 200, 200);
        }
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        if (answer.hasNonNull("reason")) {
            messages.add(answer.get("reason").asText());
        }
        return new CompatibilityResult(answer.get("is_compatible").asBoolean(), messages);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        JsonNode answer;
        try {
            answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null, subject, null);
        } catch (SchemaNotFoundException e) {
            // No subject-level rule (40401/40408): the global rule applies.
            answer = send("GET", "/config", null, null, null);
        }
        String level = answer.hasNonNull("compatibilityLevel") ? answer.get("compatibilityLevel").asText()
                : answer.path("compatibility").asText("");
        try {
            return CompatibilityLevel.valueOf(level);
        } catch (IllegalArgumentException e) {
            throw new RegistryRequestException("Registry answered an unknown compatibility level '" + level
                    + "' for subject '" + subject + "'", 200, 200);
        }
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        send("PUT", "/config/" + encode(subject), body.toString(), subject, null);
        log.info("Set compatibility of subject {} to {}", subject, level);
    }

    @Override
    public void close() {
        http.close();
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private RegisteredSchema registered(String subject, JsonNode answer, Schema known) {
        String what = "subject " + subject;
        int id = requiredInt(answer, "id", what);
        int version = requiredInt(answer, "version", what);
        Schema schema = known != null ? known : parse(requiredText(answer, "schema", what), what);
        return new RegisteredSchema(subject, version, id, schema);
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (RuntimeException e) {
            throw new RegistryRequestException("Registry returned an unparsable Avro schema for " + what + ": " + e.getMessage(), 200, 200);
        }
    }

    private static int requiredInt(JsonNode node, String field, String what) {
        if (!node.path(field).canConvertToInt()) {
            throw new RegistryRequestException("Registry answer for " + what + " lacks integer field '" + field + "': " + node, 200, 200);
        }
        return node.get(field).asInt();
    }

    private static String requiredText(JsonNode node, String field, String what) {
        if (!node.path(field).isTextual()) {
            throw new RegistryRequestException("Registry answer for " + what + " lacks text field '" + field + "': " + node, 200, 200);
        }
        return node.get(field).asText();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends one request, retrying unreachable URLs and 5xx answers; subject or id (either may be null) only serve the
     * error messages.
     */
    private JsonNode send(String method, String path, String body, String subject, Integer id) {
        int attempts = 0;
        Exception lastError = null;
        String lastUrl = null;
        int start = preferredUrl;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                sleep(backoffMs(attempt));
            }
            int urlIndex = (start + attempt) % urls.size();
            lastUrl = urls.get(urlIndex) + path;
            attempts++;
            HttpResponse<byte[]> response;
            try {
                response = http.send(request(method, lastUrl, body), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                lastError = e;
                // One line per outage comes from reachability; each attempt only at debug.
                log.debug("Schema registry request {} {} failed (attempt {} of {}): {}", method, lastUrl, attempts, retries + 1, e.toString());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException("Interrupted while calling the schema registry at " + lastUrl, e);
            }
            int status = response.statusCode();
            if (status >= 500) {
                lastError = new IOException("HTTP " + status + ": " + new String(response.body(), StandardCharsets.UTF_8));
                log.debug("Schema registry request {} {} answered {} (attempt {} of {})", method, lastUrl, status, attempts, retries + 1);
                continue;
            }
            preferredUrl = urlIndex;
            reachability.reachable();
            if (status == 401 || status == 403) {
                // Checked before the body: proxies in front of a registry answer these with HTML or plain text.
                RegistryRequestException refused = authenticationError(status, method, lastUrl, response.body());
                log.warn("Schema registry refused {} {}: {}", method, lastUrl, refused.getMessage());
                throw refused;
            }
            JsonNode json = parseBody(response.body(), method, lastUrl, status);
            if (status >= 200 && status < 300) {
                return json;
            }
            RuntimeException error = clientError(status, json, method, lastUrl, subject, id);
            if (status != 404) {
                log.warn("Schema registry refused {} {}: {}", method, lastUrl, error.getMessage());
            }
            throw error;
        }
        reachability.unreachable(method + " " + lastUrl + " failed " + attempts + " times; last error: " + describe(lastError));
        throw new RegistryUnavailableException("Schema registry unavailable: " + method + " " + lastUrl + " failed after "
                + attempts + " attempts (" + retries + " retries) across " + urls + "; last error: " + describe(lastError)
                + tlsHint(lastError), attempts, lastError);
    }

    /** 401: the credentials are missing or wrong; 403: they are right but lack the right. The secret is never echoed. */
    private RegistryRequestException authenticationError(int status, String method, String url, byte[] body) {
        String sent = authorization == null ? "no credentials were sent (" + SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG + " is empty)"
                : "the credentials of " + SchemaRegistryClientConfig.BASIC_AUTH_USER_INFO_CONFIG + " were sent";
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        String what = status == 401 ? "authentication failed (HTTP 401 Unauthorized)" : "access denied (HTTP 403 Forbidden)";
        return new RegistryRequestException("Schema registry at " + url + " refused " + method + ": " + what + "; " + sent
                + (text.isEmpty() ? "" : "; it answered: " + text), status, status);
    }

    /** A failed TLS handshake is a trust or key store problem, not an outage: say which settings to check. */
    private static String tlsHint(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return "; the TLS handshake failed: the registry's certificate is not trusted or does not match the host. Check "
                        + SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG + " (empty: the JDK's default trust) and the URL's host name";
            }
        }
        return "";
    }

    private static String describe(Exception e) {
        if (e == null) {
            return "none";
        }
        String message = e.getMessage() != null ? e.getMessage() : (e.getCause() != null ? e.getCause().toString() : "");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private long backoffMs(int attempt) {
        long factor = 1L << Math.min(attempt - 1, 20);
        return Math.min(retryBackoffMs * factor, 60_000L);
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("Interrupted while backing off before retrying the schema registry", e);
        }
    }

    private HttpRequest request(String method, String url, String body) {
        httpRequests.incrementAndGet();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            builder.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private static JsonNode parseBody(byte[] body, String method, String url, int status) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
            throw new RegistryRequestException("Schema registry answered " + method + " " + url + " with HTTP " + status
                    + " and a body that is not JSON: " + text, status, status);
        }
    }

    private static RuntimeException clientError(int status, JsonNode json, String method, String url, String subject, Integer id) {
        int errorCode = json.path("error_code").asInt(status);
        String message = json.path("message").asText("");
        if (status == 404) {
            String what = id != null ? "schema id " + Integer.toUnsignedString(id) : subject != null ? "subject '" + subject + "'" : url;
            return new SchemaNotFoundException("Schema registry has no " + what + " (error " + errorCode + ": " + message
                    + ") at " + url, errorCode);
        }
        if (status == 409) {
            return new IncompatibleSchemaException(subject != null ? subject : url, message.isEmpty() ? json.toString() : message);
        }
        return new RegistryRequestException("Schema registry rejected " + method + " " + url + " with HTTP " + status
                + ", error " + errorCode + ": " + message, status, errorCode);
    }

    private static SSLContext sslContext(SchemaRegistryClientConfig config) {
        try {
            TrustManagerFactory tmf = null;
            String trustLocation = config.getString(SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG);
            if (!trustLocation.isEmpty()) {
                KeyStore trust = load(trustLocation, config.getString(SchemaRegistryClientConfig.SSL_TRUSTSTORE_TYPE_CONFIG),
                        config.getPassword(SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG).value(),
                        SchemaRegistryClientConfig.SSL_TRUSTSTORE_LOCATION_CONFIG);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            String keyLocation = config.getString(SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION_CONFIG);
            if (!keyLocation.isEmpty()) {
                String storePassword = config.getPassword(SchemaRegistryClientConfig.SSL_KEYSTORE_PASSWORD_CONFIG).value();
                String keyPassword = config.getPassword(SchemaRegistryClientConfig.SSL_KEY_PASSWORD_CONFIG).value();
                KeyStore keys = load(keyLocation, config.getString(SchemaRegistryClientConfig.SSL_KEYSTORE_TYPE_CONFIG),
                        storePassword, SchemaRegistryClientConfig.SSL_KEYSTORE_LOCATION_CONFIG);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, (keyPassword.isEmpty() ? storePassword : keyPassword).toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS for the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(String location, String type, String password, String key) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, location, "cannot be read as a " + type + " store: " + e.getMessage());
        }
    }

    private record SubjectSchema(String subject, Schema schema) {
        SubjectSchema {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
        }
    }
}
