package dev.matting.onnx;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The declared shape of one input of an ONNX file, read from the file's protobuf header without loading the model:
 * {@code ModelProto.graph (7) -> GraphProto.input (11) -> ValueInfoProto.type (2) -> TypeProto.tensor_type (1) ->
 * shape (2) -> dim (1) -> dim_value (1)}. Everything else, initializers included, is skipped by length, so a
 * gigabyte model costs a few reads.
 *
 * <p>Why: many exported models fix their batch to 1 (rembg's U²-Net family, ISNet), and ONNX Runtime rejects a batch
 * of 2 for them; DJL does not expose the session's input shapes, so the backend reads them here.
 *
 * @param name the input's name
 * @param dims each dimension, or -1 where it is symbolic or unset
 */
record OnnxInputShape(String name, long[] dims) {

    /**
     * The input named {@code preferred}, or the graph's first input when none has that name; empty when the file
     * cannot be read as ONNX (the caller then assumes nothing about the shape).
     */
    static Optional<OnnxInputShape> read(Path file, String preferred) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            List<OnnxInputShape> inputs = new ArrayList<>();
            while (true) {
                long tag;
                try {
                    tag = varint(in);
                } catch (EOFException end) {
                    break;
                }
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                if (field == 7 && wire == 2) {
                    long len = varint(in);
                    graphInputs(in, len, inputs);
                    break;
                }
                skip(in, wire);
            }
            for (OnnxInputShape s : inputs) {
                if (s.name().equals(preferred)) {
                    return Optional.of(s);
                }
            }
            return inputs.isEmpty() ? Optional.empty() : Optional.of(inputs.get(0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The first dimension when it is a fixed number, else -1. */
    long fixedBatch() {
        return dims.length == 4 ? dims[0] : -1;
    }

    /** Height and width when both are fixed numbers (NCHW), else empty. */
    Optional<long[]> fixedHeightWidth() {
        return dims.length == 4 && dims[2] > 0 && dims[3] > 0 ? Optional.of(new long[] {dims[2], dims[3]})
                : Optional.empty();
    }

    private static void graphInputs(DataInputStream in, long len, List<OnnxInputShape> out) throws IOException {
        long read = 0;
        while (read < len) {
            Counter c = new Counter();
            long tag = varint(in, c);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 11 && wire == 2) {
                int n = (int) varint(in, c);
                byte[] b = new byte[n];
                in.readFully(b);
                c.n += n;
                out.add(valueInfo(b));
            } else {
                c.n += skip(in, wire);
            }
            read += c.n;
        }
    }

    /** {@code ValueInfoProto}: name (1), type (2). */
    private static OnnxInputShape valueInfo(byte[] b) throws IOException {
        Reader r = new Reader(b, 0, b.length);
        String name = "";
        long[] dims = new long[0];
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3);
            if (field == 1 && (tag & 7) == 2) {
                name = new String(r.bytes(), StandardCharsets.UTF_8);
            } else if (field == 2 && (tag & 7) == 2) {
                dims = typeProto(r.sub());
            } else {
                r.skip((int) (tag & 7));
            }
        }
        return new OnnxInputShape(name, dims);
    }

    /** {@code TypeProto.tensor_type (1) -> shape (2) -> dim (1)}. */
    private static long[] typeProto(Reader r) throws IOException {
        while (r.more()) {
            long tag = r.varint();
            if ((tag >>> 3) == 1 && (tag & 7) == 2) {
                Reader tensor = r.sub();
                while (tensor.more()) {
                    long t = tensor.varint();
                    if ((t >>> 3) == 2 && (t & 7) == 2) {
                        Reader shape = tensor.sub();
                        List<Long> dims = new ArrayList<>();
                        while (shape.more()) {
                            long s = shape.varint();
                            if ((s >>> 3) == 1 && (s & 7) == 2) {
                                dims.add(dimension(shape.sub()));
                            } else {
                                shape.skip((int) (s & 7));
                            }
                        }
                        return dims.stream().mapToLong(Long::longValue).toArray();
                    }
                    tensor.skip((int) (t & 7));
                }
            } else {
                r.skip((int) (tag & 7));
            }
        }
        return new long[0];
    }

    /** {@code Dimension}: dim_value (1) or dim_param (2); -1 unless a positive value is given. */
    private static long dimension(Reader r) throws IOException {
        long v = -1;
        while (r.more()) {
            long tag = r.varint();
            if ((tag >>> 3) == 1 && (tag & 7) == 0) {
                long d = r.varint();
                v = d > 0 ? d : -1;
            } else {
                r.skip((int) (tag & 7));
            }
        }
        return v;
    }

    private static final class Counter {
        long n;
    }

    private static long varint(DataInputStream in) throws IOException {
        return varint(in, new Counter());
    }

    private static long varint(DataInputStream in, Counter c) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            c.n++;
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("malformed varint");
    }

    /** Skips one field's value of wire type {@code wire}; returns the bytes skipped. */
    private static long skip(DataInputStream in, int wire) throws IOException {
        Counter c = new Counter();
        long n = switch (wire) {
            case 0 -> {
                varint(in, c);
                yield 0;
            }
            case 1 -> 8;
            case 2 -> varint(in, c);
            case 5 -> 4;
            default -> throw new IOException("unsupported protobuf wire type " + wire);
        };
        in.skipNBytes(n);
        return c.n + n;
    }

    /** A bounded reader over a byte array: nested messages are small once the initializers are skipped. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IOException("truncated varint");
                }
                int x = b[pos++] & 0xff;
                result |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
            }
            throw new IOException("malformed varint");
        }

        Reader sub() throws IOException {
            int n = (int) varint();
            if (n < 0 || pos + n > end) {
                throw new IOException("truncated message");
            }
            Reader r = new Reader(b, pos, pos + n);
            pos += n;
            return r;
        }

        byte[] bytes() throws IOException {
            Reader r = sub();
            return java.util.Arrays.copyOfRange(b, r.pos, r.end);
        }

        void skip(int wire) throws IOException {
            switch (wire) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> sub();
                case 5 -> pos += 4;
                default -> throw new IOException("unsupported protobuf wire type " + wire);
            }
            if (pos > end) {
                throw new IOException("truncated message");
            }
        }
    }
}
