package dev.kbench.driver;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The kbench payload and checksum (src/verify/payload.ts is the definition): sequence number as uint64
 * LE in bytes [0, min(S, 8)), send time in µs as int64 LE in [8, 16) for e2e-latency, filler byte i =
 * ((i * 2654435761) mod 2^32) >>> 24 elsewhere; checksum = Σ (length · 2^32 + crc32) mod 2^64.
 */
public final class Payload {
  public static final int SEQ_BYTES = 8;
  public static final int TIMESTAMP_OFFSET = 8;
  public static final int LATENCY_HEADER_BYTES = 16;

  private Payload() {}

  public static byte[] template(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) b[i] = (byte) ((((long) i * 2654435761L) & 0xffffffffL) >>> 24);
    return b;
  }

  /** A new payload (a copy of the template with `seq` written in): send() may keep the array it is given. */
  public static byte[] make(byte[] template, long seq) {
    byte[] b = Arrays.copyOf(template, template.length);
    writeSeq(b, seq);
    return b;
  }

  /** A latency payload: `make` plus the send time, which needs size >= 16. */
  public static byte[] makeStamped(byte[] template, long seq, long nowUs) {
    byte[] b = make(template, seq);
    for (int i = 0; i < 8; i++) b[TIMESTAMP_OFFSET + i] = (byte) (nowUs >>> (8 * i));
    return b;
  }

  public static void writeSeq(byte[] b, long seq) {
    int n = Math.min(b.length, SEQ_BYTES);
    for (int i = 0; i < n; i++) b[i] = (byte) (seq >>> (8 * i));
  }

  public static long readSeq(byte[] b) {
    int n = Math.min(b.length, SEQ_BYTES);
    long v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xff);
    return v;
  }

  public static long readTimestampUs(byte[] b) {
    long v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | (b[TIMESTAMP_OFFSET + i] & 0xff);
    return v;
  }

  /** Order-independent checksum; long arithmetic wraps mod 2^64, which is exactly the definition. */
  public static final class Checksum {
    private final CRC32 crc = new CRC32();
    private long count;
    private long bytes;
    private long crcSum;

    public void add(byte[] payload) {
      byte[] p = payload == null ? new byte[0] : payload;
      crc.reset();
      crc.update(p, 0, p.length);
      crcSum += crc.getValue();
      bytes += p.length;
      count++;
    }

    public long count() {
      return count;
    }

    public long bytes() {
      return bytes;
    }

    public String hex() {
      return String.format("%016x", (bytes << 32) + crcSum);
    }
  }

  /** The checksum of `count` timestamp-free payloads of `size` bytes from `firstSeq` (the producers' side). */
  public static Checksum expected(int size, long firstSeq, long count) {
    Checksum sum = new Checksum();
    byte[] b = template(size);
    for (long i = 0; i < count; i++) {
      writeSeq(b, firstSeq + i);
      sum.add(b);
    }
    return sum;
  }
}
