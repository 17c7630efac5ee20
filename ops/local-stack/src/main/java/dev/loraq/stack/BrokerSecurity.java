package dev.loraq.stack;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How the embedded broker authenticates and authorizes clients: {@link #none()} (PLAINTEXT, no authorizer, the
 * default) or {@link #saslPlain(String, Map)} (SASL/PLAIN over loopback with static users, Kafka's
 * {@code StandardAuthorizer}, {@code allow.everyone.if.no.acl.found=false} and one super user). SASL/PLAIN sends the
 * password in clear text, which is acceptable only because the broker binds to 127.0.0.1.
 */
public final class BrokerSecurity {

    /** The authorizer of KRaft clusters; named as a string because kafka-metadata is a runtime dependency. */
    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** Name of the super user that {@link LocalStackConfig} creates when none is given. */
    public static final String DEFAULT_SUPER_USER = "admin";

    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final String superUser;
    private final Map<String, String> passwords;

    private BrokerSecurity(String superUser, Map<String, String> passwords) {
        this.superUser = superUser;
        this.passwords = passwords;
    }

    /** PLAINTEXT, unauthenticated, no authorizer. */
    public static BrokerSecurity none() {
        return new BrokerSecurity(null, Map.of());
    }

    /**
     * SASL/PLAIN with these users (name to password) plus the super user, who is also the identity the broker uses
     * for its own controller connection; every other user needs ACLs for everything.
     */
    public static BrokerSecurity saslPlain(String superUser, Map<String, String> users) {
        requireUserName(superUser);
        Map<String, String> all = new LinkedHashMap<>();
        users.forEach((name, password) -> {
            requireUserName(name);
            requirePassword(name, password);
            all.put(name, password);
        });
        if (!all.containsKey(superUser)) {
            all.put(superUser, randomPassword());
        }
        return new BrokerSecurity(superUser, Map.copyOf(all));
    }

    /** A 24-character password for generated users. */
    public static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    public boolean enabled() {
        return superUser != null;
    }

    /** {@code PLAINTEXT} or {@code SASL_PLAINTEXT}. */
    public String securityProtocol() {
        return enabled() ? "SASL_PLAINTEXT" : "PLAINTEXT";
    }

    /** The super user's name; only when {@link #enabled()}. */
    public String superUser() {
        requireEnabled();
        return superUser;
    }

    /** Kafka principal of a user, e.g. {@code User:acme}. */
    public static String principal(String user) {
        return "User:" + user;
    }

    /** Users and their passwords, the super user included; empty when disabled. */
    public Map<String, String> users() {
        return passwords;
    }

    /** Client settings for the super user; empty when disabled (a PLAINTEXT client needs none). */
    public Map<String, Object> superUserClientProperties() {
        return enabled() ? clientProperties(superUser) : Map.of();
    }

    /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config} for one of the users. */
    public Map<String, Object> clientProperties(String user) {
        requireEnabled();
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SASL user '" + user + "' on this broker; users: " + passwords.keySet());
        }
        return clientProperties(user, password);
    }

    /** Client settings for any user name and password (also wrong ones, to test that they are refused). */
    public static Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    /**
     * Listener, SASL and authorizer settings of the broker. Both listeners use SASL/PLAIN, so the controller
     * listener accepts no anonymous connection either; the broker logs in to it as the super user.
     */
    void applyTo(Properties broker, String brokerListener, String controllerListener) {
        if (!enabled()) {
            broker.put("listener.security.protocol.map", brokerListener + ":PLAINTEXT," + controllerListener + ":PLAINTEXT");
            return;
        }
        broker.put("listener.security.protocol.map", brokerListener + ":SASL_PLAINTEXT," + controllerListener + ":SASL_PLAINTEXT");
        broker.put("sasl.enabled.mechanisms", "PLAIN");
        broker.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        broker.put("sasl.mechanism.controller.protocol", "PLAIN");
        String jaas = brokerJaas();
        broker.put("listener.name." + brokerListener.toLowerCase() + ".plain.sasl.jaas.config", jaas);
        broker.put("listener.name." + controllerListener.toLowerCase() + ".plain.sasl.jaas.config", jaas);
        broker.put("authorizer.class.name", STANDARD_AUTHORIZER);
        broker.put("allow.everyone.if.no.acl.found", "false");
        broker.put("super.users", principal(superUser));
    }

    /** The broker's own login (username/password) plus one {@code user_NAME} entry per accepted user. */
    private String brokerJaas() {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN_MODULE).append(" required")
                .append(" username=\"").append(superUser).append('"')
                .append(" password=\"").append(passwords.get(superUser)).append('"');
        passwords.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }

    private void requireEnabled() {
        if (!enabled()) {
            throw new IllegalStateException("the broker runs without SASL (BrokerSecurity.none())");
        }
    }

    private static void requireUserName(String name) {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SASL user name must be 1-64 characters of A-Z a-z 0-9 . _ -, was '" + name + "'");
        }
    }

    private static void requirePassword(String user, String password) {
        // Quotes and backslashes would break the JAAS line.
        if (password == null || password.isEmpty() || password.contains("\"") || password.contains("\\")) {
            throw new IllegalArgumentException("password of SASL user '" + user + "' must be non-empty, without \" or \\");
        }
    }
}
