package dev.tessera.mlm.grpc;

import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.mlm.mapping.EmbeddingMapper;
import dev.tessera.mlm.service.EmbedResult;
import dev.tessera.mlm.service.EmbeddingService;
import dev.tessera.platform.error.ServiceException;
import dev.tessera.runtime.oip.OipTextInputs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Texts over OIP v2: every embedding model also takes a {@code text} BYTES input and answers an {@code embedding}
 * FP32 tensor {@code [n, dimension]}, through the same mapper (limits, defaults: symmetric input type, normalised, no
 * truncation) and the same batcher as {@code Embed}, so a KServe client gets the vectors a gRPC client gets for the
 * same texts without shipping the tokenizer.
 */
@ApplicationScoped
public class EmbeddingTextInputs implements OipTextInputs {

    /** The output a text request gets. */
    public static final String OUTPUT = "embedding";

    private final EmbeddingService service;
    private final EmbeddingMapper mapper;

    @Inject
    public EmbeddingTextInputs(EmbeddingService service, EmbeddingMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @Override
    public List<Output> outputs(String model) {
        return service.models().stream()
                .filter(m -> m.name().equals(model))
                .map(m -> new Output(OUTPUT, new long[] {-1, m.dimension()}))
                .toList();
    }

    @Override
    public List<Tensor> infer(String model, List<String> texts, String field) {
        EmbedResult result;
        try {
            result = service.embed(mapper.toCommand(EmbedRequest.newBuilder()
                            .setModel(model)
                            .addAllInputs(texts)
                            .build()))
                    .toCompletableFuture()
                    .get();
        } catch (ServiceException e) {
            throw renamed(e, field);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ServiceException s) {
                throw renamed(s, field);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ServiceException.unavailable("interrupted while embedding");
        }
        int dimension = result.dimension();
        float[] values = new float[result.vectors().size() * dimension];
        for (int i = 0; i < result.vectors().size(); i++) {
            System.arraycopy(result.vectors().get(i).vector(), 0, values, i * dimension, dimension);
        }
        return List.of(new Tensor(OUTPUT, new long[] {result.vectors().size(), dimension}, values));
    }

    /** The mapper names {@code inputs[i]}, the texts of an Embed request; here they are the tensor's elements. */
    private static ServiceException renamed(ServiceException e, String field) {
        return e.renamedField("inputs", field);
    }
}
