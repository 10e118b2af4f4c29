package dev.kbench.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The kbench payload and checksum (src/verify/payload.ts is the definition, src/contract/arm.ts the rule):
 * byte i of the payload of message `seq`, size S, is source[(seq * stride + i) mod L] (L = the source's
 * length); then bytes [0, min(S, 8)) are overwritten with seq as uint64 LE and, in latency payloads,
 * [8, 16) with the send time in µs as int64 LE. Checksum = Σ (length · 2^32 + crc32) mod 2^64.
 * Payloads are copied out of the source with System.arraycopy (one run per message), never byte by byte.
 */
public final class Payload {
  public static final int SEQ_BYTES = 8;
  public static final int TIMESTAMP_OFFSET = 8;
  public static final int LATENCY_HEADER_BYTES = 16;

  private Payload() {}

  /** The bytes of an arm's payload source and its stride (spec.payload), read once per process. */
  public static final class Source {
    private final byte[] data;
    private final long stride;

    public Source(byte[] data, long stride) {
      if (data.length == 0) throw new IllegalArgumentException("the payload source is empty");
      if (stride < 0) throw new IllegalArgumentException("the payload stride must be non-negative, got " + stride);
      this.data = data;
      this.stride = stride;
    }

    public static Source load(ArmSpec.PayloadSpec p) throws IOException {
      if (p == null || p.source() == null) throw new IllegalArgumentException("the arm spec has no payload source (spec.payload)");
      byte[] b = Files.readAllBytes(Path.of(p.source()));
      if (b.length == 0) throw new IllegalArgumentException("the payload source " + p.source() + " is empty");
      return new Source(b, p.stride());
    }

    public int length() {
      return data.length;
    }

    /** Where message `seq`'s first byte comes from: (seq · stride) mod L, exact (both factors reduced first). */
    public int offset(long seq) {
      long l = data.length;
      return (int) ((Math.floorMod(seq, l) * Math.floorMod(stride, l)) % l);
    }

    /** Copies `n` bytes of the source from `from`, wrapping around, into `dst` at `off`. */
    public void copy(int from, byte[] dst, int off, int n) {
      int pos = from;
      int done = 0;
      while (done < n) {
        int k = Math.min(n - done, data.length - pos);
        System.arraycopy(data, pos, dst, off + done, k);
        done += k;
        pos = 0;
      }
    }

    /** A new payload of `size` bytes for `seq` (send() may keep the array it is given). */
    public byte[] make(int size, long seq) {
      byte[] b = new byte[size];
      copy(offset(seq), b, 0, size);
      writeSeq(b, seq);
      return b;
    }

    /** A latency payload: `make` plus the send time, which needs size >= 16. */
    public byte[] makeStamped(int size, long seq, long nowUs) {
      byte[] b = make(size, seq);
      for (int i = 0; i < 8; i++) b[TIMESTAMP_OFFSET + i] = (byte) (nowUs >>> (8 * i));
      return b;
    }

    /**
     * `count` payloads of `size` bytes, seq firstSeq.., back to back into `buf` at `off` (as fillPayloads):
     * with stride == size consecutive messages are one contiguous run of the source, copied in one go.
     */
    public void fill(byte[] buf, int off, int size, long firstSeq, int count) {
      if (size == 0 || count == 0) return;
      if (stride == size) {
        copy(offset(firstSeq), buf, off, size * count);
      } else {
        for (int i = 0; i < count; i++) copy(offset(firstSeq + i), buf, off + i * size, size);
      }
      for (int i = 0; i < count; i++) writeSeq(buf, off + i * size, size, firstSeq + i);
    }
  }

  public static void writeSeq(byte[] b, long seq) {
    writeSeq(b, 0, b.length, seq);
  }

  public static void writeSeq(byte[] b, int off, int size, long seq) {
    int n = Math.min(size, SEQ_BYTES);
    for (int i = 0; i < n; i++) b[off + i] = (byte) (seq >>> (8 * i));
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
      add(p, 0, p.length);
    }

    public void add(byte[] b, int off, int len) {
      crc.reset();
      crc.update(b, off, len);
      crcSum += crc.getValue();
      bytes += len;
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
  public static Checksum expected(Source source, int size, long firstSeq, long count) {
    Checksum sum = new Checksum();
    int chunk = (int) Math.max(1, Math.min(count, (1 << 20) / Math.max(1, size)));
    byte[] b = new byte[chunk * size];
    for (long done = 0; done < count; done += chunk) {
      int n = (int) Math.min(chunk, count - done);
      source.fill(b, 0, size, firstSeq + done, n);
      for (int i = 0; i < n; i++) sum.add(b, i * size, size);
    }
    return sum;
  }
}
