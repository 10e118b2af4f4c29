package dev.kbench.driver;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * kbench settings → kafka-clients configuration, the same for the `java` and `jython` drivers. The maps
 * returned are exactly what the client is given (and what results record as the arm's config).
 */
public final class Configs {
  /**
   * librdkafka arms raise their queue limits (2M messages / 2 GB) so an async producer is never throttled
   * by a default; the Java producer's one limit is buffer.memory (32 MB by default), raised likewise, within
   * the driver's heap (-Xmx1g, src/drivers/java.ts).
   */
  public static final long BUFFER_MEMORY = 512L * 1024 * 1024;

  private Configs() {}

  public static Map<String, Object> producer(ArmSpec s) {
    ArmSpec.Settings st = s.settings();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", String.join(",", s.connection().brokers()));
    c.put("client.id", s.clientId());
    c.put("acks", st.acks());
    c.put("compression.type", st.compression());
    c.put("linger.ms", st.lingerMs());
    c.put("batch.size", st.batchSize());
    // Set either way: kafka-clients 3.x defaults it to true, kbench's default is false.
    c.put("enable.idempotence", st.idempotence());
    c.put("buffer.memory", BUFFER_MEMORY);
    c.putAll(security(s.connection()));
    c.putAll(extra(s, ProducerConfig.configNames(), "producer"));
    return c;
  }

  public static Map<String, Object> consumer(ArmSpec s) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", String.join(",", s.connection().brokers()));
    c.put("client.id", s.clientId());
    c.put("group.id", s.groupId());
    c.put("enable.auto.commit", false);
    c.put("auto.offset.reset", "earliest");
    c.putAll(security(s.connection()));
    c.putAll(extra(s, ConsumerConfig.configNames(), "consumer"));
    return c;
  }

  public static Properties props(Map<String, Object> config) {
    Properties p = new Properties();
    config.forEach((k, v) -> p.put(k, String.valueOf(v)));
    return p;
  }

  /**
   * --client-config entries, passed verbatim when the client knows them. They are written for librdkafka;
   * an entry that is no kafka-clients setting at all fails the arm instead of being silently ignored.
   */
  static Map<String, Object> extra(ArmSpec s, java.util.Set<String> known, String side) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (s.extraConfig() == null) return out;
    for (Map.Entry<String, Object> e : s.extraConfig().entrySet()) {
      if (known.contains(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      } else if (!ProducerConfig.configNames().contains(e.getKey()) && !ConsumerConfig.configNames().contains(e.getKey())) {
        throw new IllegalArgumentException("--client-config " + e.getKey() + " is not a kafka-clients " + side + " setting");
      }
    }
    return out;
  }

  static Map<String, Object> security(ArmSpec.Connection conn) {
    Map<String, Object> c = new LinkedHashMap<>();
    JsonNode ssl = conn.ssl();
    boolean tls = ssl != null && !ssl.isNull() && !(ssl.isBoolean() && !ssl.asBoolean());
    ArmSpec.Sasl sasl = conn.sasl();
    if (sasl != null) {
      String mech = sasl.mechanism().toUpperCase(java.util.Locale.ROOT);
      String module = mech.equals("PLAIN")
          ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      c.put("security.protocol", tls ? "SASL_SSL" : "SASL_PLAINTEXT");
      c.put("sasl.mechanism", mech);
      c.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(sasl.username()) + "\" password=\"" + jaasEscape(sasl.password()) + "\";");
    } else if (tls) {
      c.put("security.protocol", "SSL");
    }
    if (tls && ssl.isObject()) {
      JsonNode ca = ssl.get("ca");
      if (ca != null && ca.isTextual()) {
        c.put("ssl.truststore.type", "PEM");
        // kbench's `ca` is a PEM text (kafkajs) or a file (librdkafka's ssl.ca.location): both work here.
        c.put(ca.asText().contains("-----BEGIN") ? "ssl.truststore.certificates" : "ssl.truststore.location", ca.asText());
      }
      JsonNode reject = ssl.get("rejectUnauthorized");
      if (reject != null && reject.isBoolean() && !reject.asBoolean()) {
        throw new IllegalArgumentException("the java driver cannot turn TLS certificate verification off (rejectUnauthorized: false)");
      }
    }
    return c;
  }

  private static String jaasEscape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
