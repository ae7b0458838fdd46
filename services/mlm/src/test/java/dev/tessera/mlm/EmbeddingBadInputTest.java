package dev.tessera.mlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.conformance.BadInputContract;
import dev.tessera.embedding.grpc.v1.EmbedRequest;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EmbeddingBadInputTest extends BadInputContract {

    @Override
    protected List<BadRequest> badRequests(Channel channel) {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        return List.of(
                new BadRequest(
                        "rejects_an_empty_input_list",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs",
                        () -> stub.embed(EmbedRequest.getDefaultInstance())),
                new BadRequest(
                        "rejects_an_empty_string_naming_its_index",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs[1]",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addInputs("fine")
                                .addInputs("")
                                .build())),
                new BadRequest(
                        "rejects_more_inputs_than_the_limit",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addAllInputs(Collections.nCopies(257, "x"))
                                .build())),
                new BadRequest(
                        "rejects_an_input_over_the_character_limit",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs[0]",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addInputs("a".repeat(32769))
                                .build())),
                new BadRequest(
                        "rejects_inputs_over_the_characters_a_request_may_have_together",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs: have 266240 characters together; the limit is 262144",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addAllInputs(Collections.nCopies(65, "a".repeat(4096)))
                                .build())),
                new BadRequest(
                        "rejects_an_unknown_model_with_not_found",
                        Status.Code.NOT_FOUND,
                        "model",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .setModel("gpt-17")
                                .addInputs("hello")
                                .build())),
                new BadRequest(
                        "rejects_input_over_the_token_limit_when_truncate_is_false",
                        Status.Code.INVALID_ARGUMENT,
                        "inputs[0]",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addInputs("token ".repeat(600))
                                .build())),
                new BadRequest(
                        "counts_the_prefix_against_the_token_limit",
                        Status.Code.INVALID_ARGUMENT,
                        "512-token limit",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addInputs("token ".repeat(509))
                                .setInputTypeValue(1)
                                .build())),
                new BadRequest(
                        "rejects_an_unknown_input_type",
                        Status.Code.INVALID_ARGUMENT,
                        "input_type",
                        () -> stub.embed(EmbedRequest.newBuilder()
                                .addInputs("hello")
                                .setInputTypeValue(42)
                                .build())));
    }

    @Override
    protected void validCall(Channel channel) {
        assertThat(EmbeddingGrpc.newBlockingStub(channel)
                        .embed(EmbedRequest.newBuilder()
                                .addInputs("still serving")
                                .build())
                        .getEmbeddings(0)
                        .getValuesCount())
                .isEqualTo(384);
    }

    /**
     * A 10 MB input is over the service's 8 MiB message limit, so the transport refuses it from the length prefix,
     * before the body is received and parsed (under the 16 MiB shared default it took seconds to arrive before the
     * length check could refuse it). Vert.x's transport gives that refusal no description.
     */
    @Test
    void a_body_over_the_message_limit_is_refused_before_it_is_parsed() {
        EmbeddingGrpc.EmbeddingBlockingStub stub = EmbeddingGrpc.newBlockingStub(channel);
        assertThatThrownBy(() -> stub.embed(EmbedRequest.newBuilder()
                        .addInputs("word ".repeat(2 * 1024 * 1024))
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        validCall(channel);
    }
}
