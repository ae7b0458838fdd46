package dev.tessera.llm;

import dev.tessera.conformance.WireProbeContract;
import dev.tessera.textgen.grpc.v1.TextGenerationGrpc;
import io.grpc.ServiceDescriptor;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class LlmWireProbeTest extends WireProbeContract {

    @Override
    protected ServiceDescriptor familyService() {
        return TextGenerationGrpc.getServiceDescriptor();
    }
}
