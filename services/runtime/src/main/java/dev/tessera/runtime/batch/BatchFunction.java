package dev.tessera.runtime.batch;

import java.util.List;

/**
 * Runs the model once over a batch. It returns exactly one output per input, in input order; padding and splitting are
 * its business.
 *
 * @param <I> one item's prepared input
 * @param <O> one item's output
 */
@FunctionalInterface
public interface BatchFunction<I, O> {

    List<O> apply(List<I> batch) throws Exception;
}
