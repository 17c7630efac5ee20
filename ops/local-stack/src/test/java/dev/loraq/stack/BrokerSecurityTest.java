package dev.loraq.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The broker settings each security mode produces, and the config keys that choose it (no broker started). */
class BrokerSecurityTest {

    @Test
    void defaultIsPlaintextWithoutAuthorizer() {
        BrokerSecurity none = LocalStackConfig.defaults().kafkaSecurity();
        assertFalse(none.enabled());
        Properties broker = new Properties();
        none.applyTo(broker, "PLAINTEXT", "CONTROLLER");
        assertEquals("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", broker.get("listener.security.protocol.map"));
        assertFalse(broker.containsKey("authorizer.class.name"));
        assertEquals(Map.of(), none.superUserClientProperties());
    }

    @Test
    void saslTurnsOnTheAuthorizerWithDenyByDefaultAndOneSuperUser() {
        BrokerSecurity sasl = new LocalStackConfig(Map.of(LocalStackConfig.KAFKA_SECURITY_CONFIG, "sasl",
                LocalStackConfig.KAFKA_SASL_USERS_CONFIG, "acme:acme-pw,engine:engine-pw",
                LocalStackConfig.KAFKA_SASL_SUPER_PASSWORD_CONFIG, "admin-pw")).kafkaSecurity();
        Properties broker = new Properties();
        sasl.applyTo(broker, "SASL_PLAINTEXT", "CONTROLLER");
        assertEquals("SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT", broker.get("listener.security.protocol.map"));
        assertEquals(BrokerSecurity.STANDARD_AUTHORIZER, broker.get("authorizer.class.name"));
        assertEquals("false", broker.get("allow.everyone.if.no.acl.found"));
        assertEquals("User:admin", broker.get("super.users"));
        String jaas = (String) broker.get("listener.name.sasl_plaintext.plain.sasl.jaas.config");
        assertTrue(jaas.contains("user_acme=\"acme-pw\"") && jaas.contains("user_engine=\"engine-pw\"")
                && jaas.contains("username=\"admin\" password=\"admin-pw\""), jaas);
        assertEquals(jaas, broker.get("listener.name.controller.plain.sasl.jaas.config"), "no anonymous controller connections");
        assertEquals("SASL_PLAINTEXT", sasl.clientProperties("acme").get("security.protocol"));
        assertTrue(sasl.clientProperties("acme").get("sasl.jaas.config").toString().contains("username=\"acme\" password=\"acme-pw\""));
    }

    @Test
    void superUserGetsARandomPasswordAndBadUsersAreRefused() {
        BrokerSecurity sasl = new LocalStackConfig(Map.of(LocalStackConfig.KAFKA_SECURITY_CONFIG, "sasl")).kafkaSecurity();
        assertEquals(24, sasl.users().get(BrokerSecurity.DEFAULT_SUPER_USER).length());
        ConfigException noPassword = assertThrows(ConfigException.class, () -> new LocalStackConfig(Map.of(
                LocalStackConfig.KAFKA_SECURITY_CONFIG, "sasl", LocalStackConfig.KAFKA_SASL_USERS_CONFIG, "acme")).kafkaSecurity());
        assertTrue(noPassword.getMessage().contains("kafka.sasl.users entries must be name:password"), noPassword.getMessage());
        ConfigException quote = assertThrows(ConfigException.class, () -> new LocalStackConfig(Map.of(
                LocalStackConfig.KAFKA_SECURITY_CONFIG, "sasl", LocalStackConfig.KAFKA_SASL_USERS_CONFIG, "acme:a\"b")).kafkaSecurity());
        assertTrue(quote.getMessage().contains("password of SASL user 'acme'"), quote.getMessage());
        assertFalse(quote.getMessage().contains("a\"b"), "the password is not echoed");
        assertThrows(IllegalArgumentException.class, () -> sasl.clientProperties("stranger"));
    }
}
