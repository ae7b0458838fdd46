package dev.tessera.conformance.embedding;

/** Vector arithmetic the embedding contracts, family tests and benchmarks share. */
public final class Vectors {

    private Vectors() {}

    /** The cosine of the angle between {@code a} and {@code b}, summed in double precision. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
