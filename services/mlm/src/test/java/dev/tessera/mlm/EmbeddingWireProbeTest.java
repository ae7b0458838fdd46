package dev.tessera.mlm;

import dev.tessera.conformance.WireProbeContract;
import dev.tessera.embedding.grpc.v1.EmbeddingGrpc;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EmbeddingWireProbeTest extends WireProbeContract {

    @Override
    protected ServiceDescriptor familyService() {
        return EmbeddingGrpc.getServiceDescriptor();
    }
}
