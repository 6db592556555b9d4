package dev.wnd.model.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.nio.charset.StandardCharsets;

/**
 * The tensor file format, version 1. Little-endian throughout:
 *
 * <pre>
 *   magic   8 bytes "WNDTNS01"
 *   entry*  int32 nameLength (1..4096), UTF-8 name, int32 dtype (0 float32, 1 float64, 2 int32, 3 int64, 4 float16),
 *           int32 rank, rank x int64 dims, int64 dataLength, dataLength bytes of row-major data
 *   end     int32 0
 * </pre>
 */
final class TensorFormat {

    static final byte[] MAGIC = "WNDTNS01".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_NAME_BYTES = 4096;
    static final int MAX_RANK = 8;
    static final long CHUNK_BYTES = 16L << 20;

    private TensorFormat() {
    }

    static int code(DataType type) {
        return switch (type) {
            case FLOAT32 -> 0;
            case FLOAT64 -> 1;
            case INT32 -> 2;
            case INT64 -> 3;
            case FLOAT16 -> 4;
            default -> throw new IllegalArgumentException("unsupported tensor type " + type);
        };
    }

    static DataType type(int code) {
        return switch (code) {
            case 0 -> DataType.FLOAT32;
            case 1 -> DataType.FLOAT64;
            case 2 -> DataType.INT32;
            case 3 -> DataType.INT64;
            case 4 -> DataType.FLOAT16;
            default -> throw new IllegalArgumentException("unknown tensor type code " + code);
        };
    }
}
