package dev.wnd.ingest.inspect;

/**
 * Approximate distinct count of strings in 16 KiB (HyperLogLog, 2^14 registers, standard error about 0.8%), with
 * linear counting for small cardinalities. Not thread-safe.
 */
final class HyperLogLog {

    private static final int P = 14;
    private static final int M = 1 << P;
    private final byte[] registers = new byte[M];

    void add(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        addHash(mix(h));
    }

    private void addHash(long hash) {
        int index = (int) (hash >>> (64 - P));
        long rest = hash << P | (1L << (P - 1));
        int rank = Long.numberOfLeadingZeros(rest) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double e = alpha * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) {
            e = M * Math.log((double) M / zeros);
        }
        return Math.round(e);
    }
}
